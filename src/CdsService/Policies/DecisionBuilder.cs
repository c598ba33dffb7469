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
                ? new Finding(FindingKind.HardStop, $"{drug} cannot be approved: {Lower(c.Explanation)}", "", [c.Id], c.Topic, [])
                : new Finding(FindingKind.UnmetRequirement, $"Requirement not met: {Lower(c.Explanation)}", "", [c.Id], c.Topic, []));
        }

        // Once the order cannot be approved at all, asking for more documentation is noise; the summary still lists it.
        var approvable = findings.TrueForAll(f => f.Kind != FindingKind.HardStop);
        var undocumented = criteria.Where(c => approvable && c.Status == CriterionStatus.Unknown && c.Kind == EvidenceKind.ClinicalRecord).ToList();
        if (undocumented.Count > 0)
        {
            findings.Add(new Finding(
                FindingKind.DocumentationNeeded,
                $"Document for prior authorization: {Items(undocumented)}",
                "The chart holds no evidence for these criteria, so they are unknown rather than not met. Record the evidence in the chart, or answer for them.",
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
                $"Prescriber attestation needed: {Items(unattested)}",
                "The policy requires the prescriber to attest to these items.",
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
                "The patient's record could not be fully read from the EHR",
                $"Could not be retrieved: {string.Join(", ", record.Unavailable.Order())}. Criteria that depend on them show as needing documentation until the order is signed again with the record readable.",
                [.. criteria.Where(c => c.Status == CriterionStatus.Unknown).Select(c => c.Id)],
                GuidanceTopic.CoverageInformation,
                []));
        }

        var coverage = Assess(criteria, findings, record, approvalMonths, kind);
        findings.Insert(0, SummaryFinding(policy, criteria, coverage));
        return new PolicyDecision(policy, order, kind, approvalMonths, criteria, findings, coverage, PrimaryCoverage(record));
    }

    private static string Join(IEnumerable<CriterionResult> criteria) => string.Join("; ", criteria.Select(c => Lower(c.Title)));

    /// <summary>A sentence's first word in lower case to follow a colon, unless it is a name or an abbreviation (Ph+, ALL, CD22).</summary>
    private static string Lower(string text)
    {
        var word = text.Split(' ', 2)[0];
        return word.Length > 1 && char.IsUpper(word[0]) && word.Skip(1).All(char.IsLower) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }

    /// <summary>The criteria by title when they fit in a card summary, otherwise by count.</summary>
    private static string Items(List<CriterionResult> criteria)
    {
        var titles = Join(criteria);
        return titles.Length <= 90 ? titles : $"{criteria.Count} items";
    }

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
        var orders = findings.Sum(f => f.Orders.Count);
        var term = $"{kind.Literal()} approval, {months} months";
        return new CoverageAssessment(
            CoverageStatus.Covered,
            true,
            true,
            (open, orders) switch
            {
                (0, 0) => $"Prior authorization required ({term}); every applicable policy criterion is documented.",
                (0, _) => $"Prior authorization required ({term}); every applicable criterion is documented, and {orders} baseline {(orders == 1 ? "test is" : "tests are")} still to be ordered.",
                _ => $"Prior authorization required ({term}); {open} {(open == 1 ? "criterion still needs" : "criteria still need")} documentation, attestation or a change of plan.",
            });
    }

    private static Finding SummaryFinding(PolicyInfo policy, IReadOnlyList<CriterionResult> criteria, CoverageAssessment coverage)
    {
        // The card layer words the summary (it also knows of a pre-emptive determination, set after evaluation).
        return new Finding(FindingKind.Summary, $"{policy.DrugName} prior authorization", coverage.Reason, [.. criteria.Select(c => c.Id)], GuidanceTopic.CoverageInformation, []);
    }

    /// <summary>The active Coverage the assertion is about (lowest <c>order</c> first), as <c>Coverage/id</c>.</summary>
    private static string? PrimaryCoverage(PatientRecord record) => record.Coverages
        .Where(c => c.Status == FinancialResourceStatusCodes.Active)
        .OrderBy(c => c.Order ?? int.MaxValue)
        .Select(c => $"Coverage/{c.Id}")
        .FirstOrDefault();
}
