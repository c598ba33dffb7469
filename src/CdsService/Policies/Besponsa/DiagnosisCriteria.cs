using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;

namespace CdsService.Policies.Besponsa;

/// <summary>"Relapsed or refractory CD22-positive B-cell precursor ALL", split into its three testable parts.</summary>
internal static class DiagnosisCriteria
{
    public const string BAllId = "b-all-diagnosis";
    public const string RelapsedRefractoryId = "relapsed-or-refractory";
    public const string Cd22Id = "cd22-positive";

    private const string BAllTitle = "B-cell precursor ALL";
    private const string RrTitle = "Relapsed or refractory disease";
    private const string Cd22Title = "CD22-positive";

    public static CriterionResult BCellPrecursorAll(Evidence evidence)
    {
        var all = evidence.AllDiagnoses;
        EvidenceItem[] refs = [.. all.Select(Describe.Condition)];
        if (all.FirstOrDefault(c => BesponsaValueSets.BCellAll.ContainsAny(c.Code) || HasBLineageMorphology(c)) is { } bAll)
        {
            return new(BAllId, BAllTitle, CriterionStatus.Met, "B-cell precursor ALL is documented", [Describe.Condition(bAll)]);
        }

        var attested = evidence.Attestations.Boolean(Items.BPrecursor);
        if (all.Count > 0)
        {
            return attested switch
            {
                true => new(BAllId, BAllTitle, CriterionStatus.Met, "ALL is documented and the prescriber attests B-cell precursor lineage",
                    [.. refs, evidence.Attested("B-cell precursor lineage: yes")]),
                false => new(BAllId, BAllTitle, CriterionStatus.NotMet, "the ALL is not of B-cell precursor lineage",
                    [.. refs, evidence.Attested("B-cell precursor lineage: no")], WhenNotMet: Consequence.HardStop),
                null => new(BAllId, BAllTitle, CriterionStatus.Unknown, "ALL is documented but its B-cell precursor lineage is not", refs),
            };
        }

        // Only a different blood cancer on a fully read record proves the indication is missing; the mere absence of
        // an ALL code (say, a record holding only hypertension) is missing evidence, not a different diagnosis.
        var other = evidence.AssertedConditions.Where(c => BesponsaValueSets.HematologicMalignancy.ContainsAny(c.Code)).ToList();
        if (other.Count == 0 || !evidence.Record.IsComplete)
        {
            return new(BAllId, BAllTitle, CriterionStatus.Unknown, "No ALL diagnosis is recorded", []);
        }

        return new(BAllId, BAllTitle, CriterionStatus.NotMet,
            "the recorded blood cancer is not ALL; Besponsa is indicated only for B-cell precursor ALL",
            [.. other.Select(Describe.Condition)], WhenNotMet: Consequence.HardStop);
    }

    public static CriterionResult RelapsedOrRefractory(Evidence evidence)
    {
        var all = evidence.AllDiagnoses;
        if (all.Count == 0)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown, "No ALL diagnosis is recorded, so disease status is unknown", []);
        }

        var relapsed = all.Where(c => BesponsaValueSets.AllInRelapse.ContainsAny(c.Code) || BesponsaValueSets.RelapseClinicalStatus.ContainsAny(c.ClinicalStatus)).ToList();
        if (relapsed.Count > 0)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Met, "Relapsed ALL is documented", [.. relapsed.Select(Describe.Condition)]);
        }

        var notInRemission = all.Where(c => BesponsaValueSets.AllNotInRemission.ContainsAny(c.Code)).ToList();
        var induction = evidence.History(BesponsaValueSets.AllChemotherapy).ToList();
        if (notInRemission.Count > 0 && induction.Count > 0)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Met,
                "Refractory ALL: not in remission after prior chemotherapy",
                [.. notInRemission.Select(Describe.Condition), .. Describe.Medications(induction)]);
        }

        if (notInRemission.Count > 0)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown,
                "ALL not in remission, but no prior induction therapy is recorded to show it is refractory",
                [.. notInRemission.Select(Describe.Condition)]);
        }

        var inRemission = all.Where(c => BesponsaValueSets.AllInRemission.ContainsAny(c.Code)).ToList();
        if (inRemission.Count > 0)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.NotMet,
                "ALL is recorded as in remission; Besponsa is for relapsed or refractory disease",
                [.. inRemission.Select(Describe.Condition)]);
        }

        return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown,
            "ALL is documented without its relapse or remission status", [.. all.Select(Describe.Condition)]);
    }

    public static CriterionResult Cd22Positive(Evidence evidence)
    {
        // No LOINC code for CD22 expression exists (terminology.md §6), so the policy asks the prescriber.
        return evidence.Attestations.Boolean(Items.Cd22Positive) switch
        {
            true => new(Cd22Id, Cd22Title, CriterionStatus.Met, "Prescriber documents CD22-positive blasts",
                [evidence.Attested("CD22-positive: yes")], EvidenceKind.Attestation),
            false => new(Cd22Id, Cd22Title, CriterionStatus.NotMet, "the leukemia is not CD22-positive", [evidence.Attested("CD22-positive: no")],
                EvidenceKind.Attestation, Consequence.HardStop),
            null => new(Cd22Id, Cd22Title, CriterionStatus.Unknown, "CD22 expression (5% or more of blasts) is not documented", [],
                EvidenceKind.Attestation),
        };
    }

    // mCODE PrimaryCancerCondition carries ICD-O-3 morphology in the histology-morphology-behavior extension.
    private static bool HasBLineageMorphology(Condition condition) =>
        condition.Extension.Any(e => e.Value is CodeableConcept cc && BesponsaValueSets.BLineageMorphology.ContainsAny(cc));
}
