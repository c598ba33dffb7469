using CdsService.PatientRecords;
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
        var unspecified = evidence.AssertedConditions.Where(c => BesponsaValueSets.NonspecificLeukemia.ContainsAny(c.Code)).ToList();
        // An acute leukemia of unspecified type may be the ALL itself, whatever else the chart holds (a CML in lymphoid
        // blast crisis, an old lymphoma): the other cancer does not show that this leukemia is not ALL.
        if (unspecified.Count > 0)
        {
            return new(BAllId, BAllTitle, CriterionStatus.Unknown,
                "A leukemia of unspecified type is recorded; document the ALL diagnosis and its lineage",
                [.. unspecified.Select(Describe.Condition), .. other.Select(Describe.Condition)]);
        }

        if (other.Count == 0 || !evidence.Record.IsComplete)
        {
            return new(BAllId, BAllTitle, CriterionStatus.Unknown, "No ALL diagnosis is recorded", []);
        }

        return new(BAllId, BAllTitle, CriterionStatus.NotMet,
            "the recorded blood cancer is not ALL; Besponsa is indicated only for B-cell precursor ALL",
            [.. other.Select(Describe.Condition)], WhenNotMet: Consequence.HardStop);
    }

    public static CriterionResult RelapsedOrRefractory(Evidence evidence, RequestKind kind = RequestKind.Initial)
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

        var inRemission = all.Where(c => BesponsaValueSets.AllInRemission.ContainsAny(c.Code) || BesponsaValueSets.RemissionClinicalStatus.ContainsAny(c.ClinicalStatus)).ToList();
        var notInRemission = all.Where(c => BesponsaValueSets.AllNotInRemission.ContainsAny(c.Code)).ToList();
        if (kind == RequestKind.Renewal)
        {
            // The relapsed or refractory disease is what Besponsa is treating: a responder now in remission, or disease
            // still present on treatment (judged by the progression criterion), still has the indication.
            var remissionStatus = evidence.Results(BesponsaValueSets.DiseaseStatus)
                .Where(o => o.Value is CodeableConcept cc && BesponsaValueSets.RemissionStatus.ContainsAny(cc))
                .Where(o => Describe.EffectiveStart(o) is { } when && evidence.FirstBesponsaDose is { } first && when >= first)
                .ToList();
            List<EvidenceItem> treated = [.. inRemission.Select(Describe.Condition), .. remissionStatus.Select(Describe.Observation), .. notInRemission.Select(Describe.Condition)];
            if (treated.Count > 0)
            {
                return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Met,
                    inRemission.Count + remissionStatus.Count > 0 ? "ALL in remission on Besponsa (a responder)" : "ALL under Besponsa treatment",
                    treated);
            }
        }

        if (notInRemission.Count > 0)
        {
            return Refractory(evidence, notInRemission);
        }

        if (inRemission.Count > 0)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.NotMet,
                "ALL is recorded as in remission; Besponsa is for relapsed or refractory disease",
                [.. inRemission.Select(Describe.Condition)]);
        }

        return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown,
            "ALL is documented without its relapse or remission status", [.. all.Select(Describe.Condition)]);
    }

    /// <summary>
    /// Refractory = ALL not in remission (C91.00) after a completed induction course: multi-agent ALL chemotherapy
    /// (two or more agents, at least one cytotoxic; steroids alone are not a regimen) received on or after the ALL
    /// diagnosis, whose first dose is at least <see cref="BesponsaOptions.InductionCourseDays"/> before the order.
    /// C91.00 also codes newly diagnosed ALL, so anything short of that (including an undated diagnosis or undated
    /// drugs) is "unknown, please document", not refractory.
    /// </summary>
    private static CriterionResult Refractory(Evidence evidence, List<Condition> notInRemission)
    {
        // Without the diagnosis date no drug can be shown to be induction for this ALL (methotrexate for arthritis in
        // 2012 would count), and an undated drug cannot be placed in time: both are "unknown, please document".
        var diagnosed = notInRemission.Select(Describe.OnsetOrRecorded).OfType<DateTimeOffset>().Order().Cast<DateTimeOffset?>().FirstOrDefault();
        if (diagnosed is not { } diagnosedOn)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown,
                "ALL not in remission, but the date of the ALL diagnosis is not recorded, so no chemotherapy can be shown to be its induction; document the diagnosis date",
                [.. notInRemission.Select(Describe.Condition)]);
        }

        bool SinceDiagnosis(MedicationUse m) => m.Date is { } when && when.Date >= diagnosedOn.Date;
        var chemo = evidence.Therapy(BesponsaValueSets.AllChemotherapy);
        var steroids = evidence.Therapy(BesponsaValueSets.AllSteroids);
        var cytotoxic = chemo.Received.Where(SinceDiagnosis).ToList();
        var regimen = cytotoxic.Concat(steroids.Received.Where(SinceDiagnosis)).ToList();
        var agents = regimen.Select(AgentKey).Distinct(StringComparer.Ordinal).Count();
        List<EvidenceItem> refs = [.. notInRemission.Select(Describe.Condition), .. Describe.Medications(regimen)];
        if (cytotoxic.Count == 0 || agents < 2)
        {
            var why = chemo.Doubt("induction chemotherapy") is { } doubt
                ? $"ALL not in remission; {doubt}"
                : "ALL not in remission, but no multi-agent induction chemotherapy since the diagnosis is recorded to show it is refractory";
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown, why, [.. refs, .. chemo.UnidentifiedItems]);
        }

        var started = regimen.Select(m => m.Date).OfType<DateTimeOffset>().Min();
        var courseEnds = SafeDates.AddDays(DateOnly.FromDateTime(started.UtcDateTime), evidence.Options.InductionCourseDays);
        if (courseEnds > evidence.OrderDate)
        {
            return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Unknown,
                $"ALL not in remission during induction (started {Describe.Day(started)}); refractory disease can be judged after a completed {evidence.Options.InductionCourseDays}-day course",
                refs);
        }

        return new(RelapsedRefractoryId, RrTitle, CriterionStatus.Met,
            "Refractory ALL: not in remission after a completed multi-agent induction course", refs);
    }

    // Agents are told apart by their first classifiable code (products of one drug may count twice; see README).
    private static string AgentKey(MedicationUse use) =>
        use.Codes.Where(c => c.System is not null && c.Code is not null).Select(c => $"{c.System}|{c.Code}").FirstOrDefault() ?? use.Reference;

    public static CriterionResult Cd22Positive(Evidence evidence)
    {
        // Chart first: the latest CD22-specific result, read against the positivity cut-off (≥ 5 % of blasts by default).
        var latest = evidence.Results(BesponsaValueSets.Cd22Result)
            .Select(o => (Observation: o, Reading: ResultReading.Threshold(o, BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults,
                evidence.Options.Cd22PositivityPercent, positiveAtCutoff: true)))
            .Where(r => r.Reading != Reading.Unknown)
            .OrderByDescending(r => Describe.EffectiveStart(r.Observation) ?? DateTimeOffset.MinValue)
            .FirstOrDefault();
        var attested = evidence.Attestations.Boolean(Items.Cd22Positive);

        // The confirmed CD22 term (LOINC 14017-8) counts CD22 cells per 100 cells of blood, not per 100 blasts: a low
        // count may be few circulating blasts, so only the lab's own negative call (a coded value or interpretation)
        // shows CD22-negative blasts; a low number alone asks for the blast immunophenotype instead of a hard stop.
        if (latest.Observation is { } counted && latest.Reading == Reading.Negative
            && ResultReading.Coded(counted, BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults) == Reading.Unknown)
        {
            List<EvidenceItem> countRefs = [Describe.Observation(counted)];
            if (attested is { } answer)
            {
                countRefs.Add(evidence.Attested($"CD22-positive: {(answer ? "yes" : "no")}"));
            }

            return new(Cd22Id, Cd22Title, CriterionStatus.Unknown,
                $"the CD22 count is below {evidence.Options.Cd22PositivityPercent} % of all cells, which does not measure CD22 on the blasts; document CD22 expression on leukemic blasts (flow cytometry or immunohistochemistry)",
                countRefs);
        }

        if (latest.Observation is { } result)
        {
            List<EvidenceItem> refs = [Describe.Observation(result)];
            var positive = latest.Reading == Reading.Positive;
            var conflict = attested is { } answer && answer != positive;
            if (conflict)
            {
                refs.Add(evidence.Attested($"CD22-positive: {(attested == true ? "yes" : "no")}, which the lab result contradicts"));
            }

            var note = conflict ? "; the lab result overrides the prescriber's conflicting answer" : "";
            return positive
                ? new(Cd22Id, Cd22Title, CriterionStatus.Met, $"CD22-positive blasts by lab result{note}", refs)
                : new(Cd22Id, Cd22Title, CriterionStatus.NotMet, $"the lab reports the blasts CD22-negative (below {evidence.Options.Cd22PositivityPercent} %){note}",
                    refs, WhenNotMet: Consequence.HardStop);
        }

        return attested switch
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
