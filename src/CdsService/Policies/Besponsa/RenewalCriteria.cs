using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// Renewal: "NO disease progression or unacceptable toxicities". Both are facts about the treatment so far, not
/// requirements that documentation or a change of plan can satisfy, so either one makes the renewal not approvable.
/// Hepatic VOD means permanent discontinuation.
/// </summary>
internal static class RenewalCriteria
{
    public const string ProgressionId = "no-progression";
    public const string ToxicityId = "no-unacceptable-toxicity";

    private const string ProgressionTitle = "No disease progression";
    private const string ToxicityTitle = "No unacceptable toxicity";

    public static CriterionResult NoProgression(Evidence evidence, RequestKind kind)
    {
        if (kind == RequestKind.Initial)
        {
            return new(ProgressionId, ProgressionTitle, CriterionStatus.NotApplicable, "Applies to renewals only", []);
        }

        var latest = evidence.Results(BesponsaValueSets.DiseaseStatus)
            .OrderByDescending(o => Fhir.FhirDates.Parse((o.Effective as FhirDateTime)?.Value) ?? DateTimeOffset.MinValue)
            .FirstOrDefault(o => o.Value is CodeableConcept);
        if (latest?.Value is CodeableConcept status)
        {
            if (BesponsaValueSets.Progression.ContainsAny(status))
            {
                return Progressed("disease has progressed on treatment", [Describe.Observation(latest)]);
            }

            if (BesponsaValueSets.NoProgression.ContainsAny(status))
            {
                return new(ProgressionId, ProgressionTitle, CriterionStatus.Met, "Latest disease status shows no progression", [Describe.Observation(latest)]);
            }
        }

        return evidence.Attestations.Boolean(Items.DiseaseProgression) switch
        {
            true => Progressed("prescriber reports disease progression", [evidence.Attested("disease progression: yes")]),
            false => new(ProgressionId, ProgressionTitle, CriterionStatus.Met, "Prescriber reports no disease progression", [evidence.Attested("disease progression: no")]),
            null => new(ProgressionId, ProgressionTitle, CriterionStatus.Unknown, "No current disease status is documented", []),
        };
    }

    public static CriterionResult NoUnacceptableToxicity(Evidence evidence, RequestKind kind)
    {
        if (kind == RequestKind.Initial)
        {
            return new(ToxicityId, ToxicityTitle, CriterionStatus.NotApplicable, "Applies to renewals only", []);
        }

        var vod = evidence.AssertedConditions.Where(c => BesponsaValueSets.HepaticVod.ContainsAny(c.Code)).ToList();
        if (vod.Count > 0)
        {
            return HardStop("hepatic VOD is recorded; Besponsa must be permanently discontinued", [.. vod.Select(Describe.Condition)]);
        }

        var stopped = evidence.History(BesponsaValueSets.Besponsa)
            .Where(m => m.StatusReasons.Any(BesponsaValueSets.StoppedForToxicity.ContainsAny))
            .ToList();
        if (stopped.Count > 0)
        {
            return HardStop("Besponsa was stopped for an adverse reaction", [.. Describe.Medications(stopped)]);
        }

        return evidence.Attestations.Boolean(Items.UnacceptableToxicity) switch
        {
            true => HardStop("prescriber reports unacceptable toxicity", [evidence.Attested("unacceptable toxicity: yes")]),
            false => new(ToxicityId, ToxicityTitle, CriterionStatus.Met, "Prescriber reports no unacceptable toxicity", [evidence.Attested("unacceptable toxicity: no")]),
            null => new(ToxicityId, ToxicityTitle, CriterionStatus.Unknown, "Absence of unacceptable toxicity is not documented", [], EvidenceKind.Attestation),
        };
    }

    private static CriterionResult Progressed(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(ProgressionId, ProgressionTitle, CriterionStatus.NotMet, why, refs, WhenNotMet: Consequence.HardStop);

    private static CriterionResult HardStop(string why, IReadOnlyList<EvidenceItem> refs) =>
        new(ToxicityId, ToxicityTitle, CriterionStatus.NotMet, why, refs, WhenNotMet: Consequence.HardStop, Topic: GuidanceTopic.Contraindication);
}
