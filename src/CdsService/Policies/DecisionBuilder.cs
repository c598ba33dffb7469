using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Policies;

/// <summary>
/// Turns evaluated criteria into findings and a coverage assessment. Shared by every drug policy so that the
/// same statuses always lead to the same kind of guidance: a hard stop per failed hard criterion, a warning per
/// unmet requirement, one request for missing documentation, one for missing attestations.
/// </summary>
internal static class DecisionBuilder
{
    public static PolicyDecision Build(
        PolicyInfo policy,
        Resource order,
        RequestKind kind,
        int approvalMonths,
        IReadOnlyList<CriterionResult> criteria,
        IReadOnlyList<Finding> policyFindings,
        PatientRecord record)
    {
        var drug = policy.DrugName;
        var findings = new List<Finding>();
        foreach (var c in criteria.Where(c => c.Status == CriterionStatus.NotMet))
        {
            findings.Add(c.WhenNotMet == Consequence.HardStop
                ? new Finding(FindingKind.HardStop, $"{drug} not approvable: {c.Explanation}", "", [c.Id], c.Topic, [])
                : new Finding(FindingKind.UnmetRequirement, $"{drug} prior approval: {c.Explanation}", "", [c.Id], c.Topic, []));
        }

        // Once the order cannot be approved at all, asking for more documentation is noise; the summary still lists it.
        var approvable = findings.TrueForAll(f => f.Kind != FindingKind.HardStop);
        var undocumented = criteria.Where(c => approvable && c.Status == CriterionStatus.Unknown && c.Kind == EvidenceKind.ClinicalRecord).ToList();
        if (undocumented.Count > 0)
        {
            findings.Add(new Finding(
                FindingKind.DocumentationNeeded,
                $"Unknown, please document for {drug} prior approval: {Join(undocumented)}",
                "These criteria could not be evaluated because the record holds no evidence for them. Record the evidence in the chart, or answer the matching items of the prior-approval questionnaire.",
                [.. undocumented.Select(c => c.Id)],
                GuidanceTopic.CoverageInformation,
                [],
                OffersQuestionnaire: true));
        }

        var unattested = criteria.Where(c => approvable && c.Status == CriterionStatus.Unknown && c.Kind == EvidenceKind.Attestation).ToList();
        if (unattested.Count > 0)
        {
            findings.Add(new Finding(
                FindingKind.AttestationNeeded,
                $"Complete the {drug} prior-approval questionnaire ({unattested.Count} item{(unattested.Count == 1 ? "" : "s")} unanswered)",
                "The policy requires the prescriber to document or attest these items. Complete the questionnaire (DTR) and sign the order again.",
                [.. unattested.Select(c => c.Id)],
                GuidanceTopic.CoverageInformation,
                [],
                OffersQuestionnaire: true));
        }

        findings.AddRange(policyFindings);
        if (!record.IsComplete)
        {
            findings.Add(new Finding(
                FindingKind.RecordIncomplete,
                $"The patient record could not be fully read; {drug} criteria may be incomplete",
                $"These parts of the record could not be retrieved from the EHR: {string.Join(", ", record.Unavailable.Order())}. Criteria that depend on them are shown as unknown.",
                [.. criteria.Where(c => c.Status == CriterionStatus.Unknown).Select(c => c.Id)],
                GuidanceTopic.CoverageInformation,
                []));
        }

        var coverage = Assess(criteria, findings, record, approvalMonths, kind);
        findings.Insert(0, SummaryFinding(policy, kind, approvalMonths, criteria, coverage));
        return new PolicyDecision(policy, order, kind, approvalMonths, criteria, findings, coverage, PrimaryCoverage(record));
    }

    private static string Join(IEnumerable<CriterionResult> criteria) => string.Join(", ", criteria.Select(c => c.Id));

    private static CoverageAssessment Assess(
        IReadOnlyList<CriterionResult> criteria, List<Finding> findings, PatientRecord record, int months, RequestKind kind)
    {
        if (findings.FirstOrDefault(f => f.Kind == FindingKind.HardStop) is { } stop)
        {
            var failed = criteria.First(c => c.Id == stop.CriterionIds[0]);
            return new CoverageAssessment(CoverageStatus.NotCovered, false, false, $"Policy criterion not met: {failed.Explanation}");
        }

        if (!record.IsComplete)
        {
            return new CoverageAssessment(CoverageStatus.Indeterminate, true, true, "Part of the patient record could not be read, so coverage could not be fully assessed.");
        }

        var open = criteria.Count(c => c.Status is CriterionStatus.NotMet or CriterionStatus.Unknown);
        var term = $"{kind.Literal()} approval, {months} months";
        return new CoverageAssessment(
            CoverageStatus.Covered,
            true,
            true,
            open == 0
                ? $"Prior authorization required ({term}); all policy criteria are documented. Submit with the completed questionnaire."
                : $"Prior authorization required ({term}); {open} {(open == 1 ? "criterion still needs" : "criteria still need")} documentation, attestation or a change of plan.");
    }

    private static Finding SummaryFinding(PolicyInfo policy, RequestKind kind, int months, IReadOnlyList<CriterionResult> criteria, CoverageAssessment coverage)
    {
        var applicable = criteria.Where(c => c.Status != CriterionStatus.NotApplicable).ToList();
        var met = applicable.Count(c => c.Status == CriterionStatus.Met);
        var term = $"{kind.Literal()}, {months} months";
        var summary = coverage.Status switch
        {
            CoverageStatus.NotCovered => $"{policy.DrugName} does not meet the payer's prior-approval policy ({met} of {applicable.Count} criteria met)",
            CoverageStatus.Indeterminate => $"{policy.DrugName} requires prior approval: {met} of {applicable.Count} criteria met on a partly read record ({term})",
            _ when met == applicable.Count => $"{policy.DrugName} prior approval: all {applicable.Count} criteria met; submit prior authorization ({term})",
            _ => $"{policy.DrugName} requires prior approval: {met} of {applicable.Count} criteria met ({term})",
        };
        return new Finding(FindingKind.Summary, summary, coverage.Reason, [.. criteria.Select(c => c.Id)], GuidanceTopic.CoverageInformation, []);
    }

    /// <summary>The active Coverage the assertion is about (lowest <c>order</c> first), as <c>Coverage/id</c>.</summary>
    private static string? PrimaryCoverage(PatientRecord record) => record.Coverages
        .Where(c => c.Status == FinancialResourceStatusCodes.Active)
        .OrderBy(c => c.Order ?? int.MaxValue)
        .Select(c => $"Coverage/{c.Id}")
        .FirstOrDefault();
}
