using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// "Age 18+ only: if Philadelphia chromosome-positive, patient must have failed treatment with at least one
/// tyrosine kinase inhibitor and standard chemotherapy." Initial requests only; renewal criteria omit it.
/// </summary>
internal static class PhTkiCriterion
{
    public const string Id = "ph-tki-history";
    private const string Title = "Ph+ adults: failed a TKI and standard chemotherapy";

    public static CriterionResult Evaluate(Evidence evidence, RequestKind kind)
    {
        if (kind == RequestKind.Renewal)
        {
            return NotApplicable("Not a renewal criterion", []);
        }

        switch (AgeCriterion.IsAtLeast(evidence, 18))
        {
            case false:
                return NotApplicable("Patient is under 18; the TKI rule applies to adults only", []);
            case null:
                return new(Id, Title, CriterionStatus.Unknown, "Age unknown, so it is unknown whether the adult Ph+ rule applies", []);
        }

        var (ph, phRefs) = PhStatus(evidence);
        switch (ph)
        {
            case false:
                return NotApplicable("Philadelphia chromosome-negative, so the TKI rule does not apply", phRefs);
            case null:
                return new(Id, Title, CriterionStatus.Unknown,
                    "Philadelphia chromosome (BCR-ABL1) status is not documented for this adult", []);
        }

        var tkis = evidence.History(BesponsaValueSets.TyrosineKinaseInhibitors).ToList();
        var chemo = evidence.History(BesponsaValueSets.AllChemotherapy).ToList();
        var tkiAttested = evidence.Attestations.Boolean(Items.TkiFailed);
        var chemoAttested = evidence.Attestations.Boolean(Items.ChemotherapyFailed);
        var tkiOk = tkis.Count > 0 || tkiAttested == true;
        var chemoOk = chemo.Count > 0 || chemoAttested == true;
        List<EvidenceItem> refs = [.. phRefs, .. Describe.Medications(tkis), .. Describe.Medications(chemo)];
        if (evidence.Attestations.Reference is not null && (tkis.Count == 0 || chemo.Count == 0))
        {
            refs.Add(evidence.Attested($"failed a TKI: {YesNo(tkiAttested)}; failed standard chemotherapy: {YesNo(chemoAttested)}"));
        }

        return (tkiOk, chemoOk) switch
        {
            (true, true) => new(Id, Title, CriterionStatus.Met, "Ph+ adult with prior TKI and standard chemotherapy", refs),
            (false, true) => Unmet("Ph+ adult has no prior tyrosine kinase inhibitor on record", refs),
            (true, false) => Unmet("Ph+ adult has no prior standard chemotherapy on record", refs),
            _ => Unmet("Ph+ adult has no prior TKI or standard chemotherapy on record", refs),
        };
    }

    /// <summary>Ph status from BCR-ABL1 results, ICD-O-3 9812/3 morphology, or the prescriber's answer.</summary>
    public static (bool? Positive, IReadOnlyList<EvidenceItem> Evidence) PhStatus(Evidence evidence)
    {
        var positive = new List<EvidenceItem>();
        var negative = new List<EvidenceItem>();
        foreach (var obs in evidence.Results(BesponsaValueSets.BcrAbl1Qualitative))
        {
            Classify(obs, QualitativeResult(obs), positive, negative);
        }

        foreach (var obs in evidence.Results(BesponsaValueSets.BcrAbl1Quantitative))
        {
            // A zero ratio during therapy shows response, not Ph-negative disease, so only a positive value counts.
            Classify(obs, obs.Value is Quantity { Value: > 0 } ? true : QualitativeResult(obs) == true ? true : null, positive, negative);
        }

        foreach (var obs in evidence.Results(BesponsaValueSets.GenomicVariant).Where(IsBcrAbl1Variant))
        {
            Classify(obs, QualitativeResult(obs), positive, negative);
        }

        positive.AddRange(evidence.AllDiagnoses
            .Where(c => c.Extension.Any(e => e.Value is CodeableConcept cc && BesponsaValueSets.PhPositiveMorphology.ContainsAny(cc)))
            .Select(Describe.Condition));

        // Ph status is a property of the disease: any positive result settles it.
        if (positive.Count > 0)
        {
            return (true, positive);
        }

        if (evidence.Attestations.Boolean(Items.PhPositive) is { } attested)
        {
            return (attested, [evidence.Attested($"Philadelphia chromosome-positive: {YesNo(attested)}")]);
        }

        return negative.Count > 0 ? (false, negative) : (null, []);
    }

    private static void Classify(Observation obs, bool? result, List<EvidenceItem> positive, List<EvidenceItem> negative)
    {
        if (result == true)
        {
            positive.Add(Describe.Observation(obs));
        }
        else if (result == false)
        {
            negative.Add(Describe.Observation(obs));
        }
    }

    private static bool? QualitativeResult(Observation obs)
    {
        var concepts = obs.Interpretation.Append(obs.Value as CodeableConcept).ToList();
        if (concepts.Any(BesponsaValueSets.PositiveResults.ContainsAny))
        {
            return true;
        }

        return concepts.Any(BesponsaValueSets.NegativeResults.ContainsAny) ? false : null;
    }

    private static bool IsBcrAbl1Variant(Observation obs) =>
        obs.Component.Any(c => BesponsaValueSets.GeneStudied.ContainsAny(c.Code)
            && c.Value is CodeableConcept gene && BesponsaValueSets.BcrAbl1Genes.ContainsAny(gene));

    private static string YesNo(bool? answer) => answer switch { true => "yes", false => "no", null => "not answered" };

    private static CriterionResult NotApplicable(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(Id, Title, CriterionStatus.NotApplicable, why, refs);

    private static CriterionResult Unmet(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(Id, Title, CriterionStatus.NotMet, why, refs, Topic: GuidanceTopic.TherapyAlternativesRequired);
}
