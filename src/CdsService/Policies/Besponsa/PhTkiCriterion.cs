using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// "Age 18+ only: if Philadelphia chromosome-positive, patient must have failed treatment with at least one
/// tyrosine kinase inhibitor and standard chemotherapy." Initial requests only; renewal criteria omit it.
/// "Failed" is read as "received" (<see cref="PatientRecords.TherapyReceived"/>): Besponsa being ordered after it is
/// the failure. Standard chemotherapy is a cytotoxic agent of an ALL regimen; corticosteroids alone are not.
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
                    "Philadelphia chromosome (BCR-ABL1) status is not documented for this adult", phRefs);
        }

        var tkis = evidence.Therapy(BesponsaValueSets.TyrosineKinaseInhibitors);
        var chemo = evidence.Therapy(BesponsaValueSets.AllChemotherapy);
        var tkiAttested = evidence.Attestations.Boolean(Items.TkiFailed);
        var chemoAttested = evidence.Attestations.Boolean(Items.ChemotherapyFailed);
        var tkiOk = tkis.Any || tkiAttested == true;
        var chemoOk = chemo.Any || chemoAttested == true;
        List<EvidenceItem> refs = [.. phRefs, .. Describe.Medications(tkis.Received), .. Describe.Medications(chemo.Received)];
        if (evidence.Attestations.Reference is not null && (!tkis.Any || !chemo.Any))
        {
            refs.Add(evidence.Attested($"failed a TKI: {YesNo(tkiAttested)}; failed standard chemotherapy: {YesNo(chemoAttested)}"));
        }

        if (tkiOk && chemoOk)
        {
            return new(Id, Title, CriterionStatus.Met, "Ph+ adult with prior TKI and standard chemotherapy", refs);
        }

        // Not met only when the record settles it: an order without proof of use or an unidentifiable medication
        // could be the missing therapy, so the answer is "unknown, please document".
        var doubts = new[] { tkiOk ? null : tkis.Doubt("a TKI"), chemoOk ? null : chemo.Doubt("chemotherapy") }.OfType<string>().ToList();
        if (doubts.Count > 0)
        {
            refs.AddRange(Describe.Medications([.. tkis.Uncertain, .. chemo.Uncertain]));
            refs.AddRange(tkis.UnidentifiedItems);
            return new(Id, Title, CriterionStatus.Unknown, $"Ph+ adult: {string.Join("; ", doubts)}", refs);
        }

        // Absence is shown only by a medication history that was read in full: a TKI may sit in a section the EHR
        // could not return, so an unread section makes the answer "unknown", never "no prior TKI".
        var unread = MedicationSections.Where(evidence.Record.Unavailable.Contains).ToList();
        if (unread.Count > 0)
        {
            var missing = (tkiOk, chemoOk) switch { (false, true) => "a TKI", (true, false) => "chemotherapy", _ => "a TKI or chemotherapy" };
            return new(Id, Title, CriterionStatus.Unknown,
                $"Ph+ adult: no {missing} found, but the medication history could not be fully read ({string.Join(", ", unread)})", refs);
        }

        return (tkiOk, chemoOk) switch
        {
            (false, true) => Unmet("Ph+ adult has no prior tyrosine kinase inhibitor on record", refs),
            (true, false) => Unmet("Ph+ adult has no prior standard chemotherapy on record", refs),
            _ => Unmet("Ph+ adult has no prior TKI or standard chemotherapy on record", refs),
        };
    }

    /// <summary>
    /// Ph status from BCR-ABL1 results (read as a lab would, <see cref="ResultReading"/>), ICD-O-3 9812/3 morphology,
    /// or the prescriber's answer. Any positive result settles it (Ph status is a property of the disease). A negative
    /// qualitative or FISH result shows Ph-negative disease; a negative quantitative monitoring result (ratio or log
    /// reduction) does not, because it is measured to follow Ph+ disease on treatment.
    /// </summary>
    public static (bool? Positive, IReadOnlyList<EvidenceItem> Evidence) PhStatus(Evidence evidence)
    {
        var positive = new List<EvidenceItem>();
        var negative = new List<EvidenceItem>();
        var pos = BesponsaValueSets.PositiveResults;
        var neg = BesponsaValueSets.NegativeResults;
        foreach (var obs in evidence.Results(BesponsaValueSets.BcrAbl1Qualitative))
        {
            Classify(obs, ResultReading.Coded(obs, pos, neg), positive, negative);
        }

        foreach (var obs in evidence.Results(BesponsaValueSets.GenomicVariant).Where(IsBcrAbl1Variant))
        {
            Classify(obs, ResultReading.Coded(obs, pos, neg), positive, negative);
        }

        var cutoff = evidence.Options.FishPositivityCutoffPercent;
        foreach (var obs in evidence.Results(BesponsaValueSets.BcrAbl1FishFraction))
        {
            Classify(obs, ResultReading.Threshold(obs, pos, neg, cutoff, positiveAtCutoff: false), positive, negative);
        }

        foreach (var obs in evidence.Results(BesponsaValueSets.FishResult).Where(IsBcrAbl1Variant))
        {
            Classify(obs, ResultReading.Threshold(obs, pos, neg, cutoff, positiveAtCutoff: false), positive, negative);
        }

        foreach (var obs in evidence.Results(BesponsaValueSets.BcrAbl1Ratio))
        {
            Classify(obs, ResultReading.Ratio(obs, pos, neg) == Reading.Positive ? Reading.Positive : Reading.Unknown, positive, negative);
        }

        // Log reductions: a higher value means less disease, so only a coded positive result counts.
        foreach (var obs in evidence.Results(BesponsaValueSets.BcrAbl1LogReduction))
        {
            Classify(obs, ResultReading.Coded(obs, pos, neg) == Reading.Positive ? Reading.Positive : Reading.Unknown, positive, negative);
        }

        positive.AddRange(evidence.AllDiagnoses
            .Where(c => c.Extension.Any(e => e.Value is CodeableConcept cc && BesponsaValueSets.PhPositiveMorphology.ContainsAny(cc)))
            .Select(Describe.Condition));

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

    private static void Classify(Observation obs, Reading reading, List<EvidenceItem> positive, List<EvidenceItem> negative)
    {
        if (reading == Reading.Positive)
        {
            positive.Add(Describe.Observation(obs));
        }
        else if (reading == Reading.Negative)
        {
            negative.Add(Describe.Observation(obs));
        }
    }

    // mCODE GenomicVariant and generic FISH results name the genes studied in a component; only BCR/ABL1 counts.
    private static bool IsBcrAbl1Variant(Observation obs) =>
        obs.Component.Any(c => BesponsaValueSets.GeneStudied.ContainsAny(c.Code)
            && c.Value is CodeableConcept gene && BesponsaValueSets.BcrAbl1Genes.ContainsAny(gene));

    private static readonly string[] MedicationSections =
    [
        PatientRecords.RecordSection.MedicationRequests.Key,
        PatientRecords.RecordSection.MedicationStatements.Key,
        PatientRecords.RecordSection.MedicationAdministrations.Key,
    ];

    private static string YesNo(bool? answer) => answer switch { true => "yes", false => "no", null => "not answered" };

    private static CriterionResult NotApplicable(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(Id, Title, CriterionStatus.NotApplicable, why, refs);

    private static CriterionResult Unmet(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(Id, Title, CriterionStatus.NotMet, why, refs, Topic: GuidanceTopic.TherapyAlternativesRequired);
}
