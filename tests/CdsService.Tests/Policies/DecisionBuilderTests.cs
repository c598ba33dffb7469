using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Policies;

public sealed class DecisionBuilderTests
{
    private static readonly PolicyInfo Policy = new("drug", "Drug", "Drug prior approval", "Checks Drug orders.", "drug-q", "http://payer.example.org/fhir/Questionnaire/drug-q");
    private static readonly MedicationRequest Order = new() { Id = "order-1" };

    [Fact]
    public void A_failed_hard_criterion_means_not_covered()
    {
        var decision = Decide(new TestRecord().Coverage("cov-1"), Met("a"), HardStop("b"), Requirement("c"));

        Assert.Equal(CoverageStatus.NotCovered, decision.Coverage.Status);
        Assert.False(decision.Coverage.PriorAuthRequired);
        Assert.Contains("b failed", decision.Coverage.Reason, StringComparison.Ordinal);
        Assert.Equal(
            [FindingKind.Summary, FindingKind.HardStop, FindingKind.UnmetRequirement],
            decision.Findings.Select(f => f.Kind));
    }

    [Fact]
    public void Once_not_approvable_no_documentation_or_attestation_is_requested()
    {
        var decision = Decide(
            new TestRecord().Coverage("cov-1"),
            HardStop("b"),
            Unknown("r1", EvidenceKind.ClinicalRecord),
            Unknown("q1", EvidenceKind.Attestation));

        Assert.Equal([FindingKind.Summary, FindingKind.HardStop], decision.Findings.Select(f => f.Kind));
        Assert.Equal(["b", "r1", "q1"], decision.Findings[0].CriterionIds);
    }

    [Fact]
    public void Unmet_requirements_leave_the_drug_covered_with_prior_authorization()
    {
        var decision = Decide(new TestRecord().Coverage("cov-1"), Met("a"), Requirement("c"));

        Assert.Equal(CoverageStatus.Covered, decision.Coverage.Status);
        Assert.True(decision.Coverage.PriorAuthRequired);
        Assert.True(decision.Coverage.DocumentationRequired);
        Assert.Contains("1 criterion still needs", decision.Coverage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknowns_are_grouped_into_one_documentation_and_one_attestation_request()
    {
        var decision = Decide(
            new TestRecord().Coverage("cov-1"),
            Unknown("r1", EvidenceKind.ClinicalRecord),
            Unknown("r2", EvidenceKind.ClinicalRecord),
            Unknown("q1", EvidenceKind.Attestation),
            new CriterionResult("n", "n", CriterionStatus.NotApplicable, "n/a", []));

        var documentation = Assert.Single(decision.Findings, f => f.Kind == FindingKind.DocumentationNeeded);
        var attestation = Assert.Single(decision.Findings, f => f.Kind == FindingKind.AttestationNeeded);
        Assert.Equal(["r1", "r2"], documentation.CriterionIds);
        Assert.Equal(["q1"], attestation.CriterionIds);
        Assert.True(documentation.OffersQuestionnaire && attestation.OffersQuestionnaire);
        Assert.Equal(CoverageStatus.Covered, decision.Coverage.Status);
        Assert.Contains("3 criteria still need", decision.Coverage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_incomplete_record_makes_coverage_indeterminate()
    {
        var decision = Decide(new TestRecord().Coverage("cov-1").Unavailable("observations"), Met("a"), Unknown("r1", EvidenceKind.ClinicalRecord));

        Assert.Equal(CoverageStatus.Indeterminate, decision.Coverage.Status);
        var incomplete = Assert.Single(decision.Findings, f => f.Kind == FindingKind.RecordIncomplete);
        Assert.Equal(["r1"], incomplete.CriterionIds);
        Assert.Contains("observations", incomplete.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hard_stop_outweighs_an_incomplete_record()
    {
        var decision = Decide(new TestRecord().Coverage("cov-1").Unavailable("observations"), HardStop("b"));

        Assert.Equal(CoverageStatus.NotCovered, decision.Coverage.Status);
    }

    [Fact]
    public void The_summary_comes_first_and_names_every_criterion()
    {
        var decision = Decide(new TestRecord().Coverage("cov-1"), Met("a"), Met("b"), new CriterionResult("n", "n", CriterionStatus.NotApplicable, "n/a", []));

        var summary = decision.Findings[0];
        Assert.Equal(FindingKind.Summary, summary.Kind);
        Assert.Equal(["a", "b", "n"], summary.CriterionIds);
        Assert.Single(decision.Findings);
    }

    [Fact]
    public void Policy_findings_are_kept()
    {
        var labs = new Finding(FindingKind.AdditionalOrders, "Order labs", "", ["a"], GuidanceTopic.AppropriateUse, []);

        var decision = DecisionBuilder.Build(Policy, Order, RequestKind.Initial, 3, [Met("a")], [labs], new TestRecord().Build());

        Assert.Contains(labs, decision.Findings);
    }

    [Fact]
    public void The_assertion_is_about_the_first_active_coverage()
    {
        var record = new TestRecord()
            .Coverage("cov-cancelled", FinancialResourceStatusCodes.Cancelled, order: 1)
            .Coverage("cov-secondary", order: 2)
            .Coverage("cov-primary", order: 1);

        Assert.Equal("Coverage/cov-primary", Decide(record, Met("a")).CoverageReference);
        Assert.Null(Decide(new TestRecord(), Met("a")).CoverageReference);
    }

    private static PolicyDecision Decide(TestRecord record, params CriterionResult[] criteria) =>
        DecisionBuilder.Build(Policy, Order, RequestKind.Initial, 3, criteria, [], record.Build());

    private static CriterionResult Met(string id) => new(id, id, CriterionStatus.Met, $"{id} met", []);

    private static CriterionResult Unknown(string id, EvidenceKind kind) => new(id, id, CriterionStatus.Unknown, $"{id} unknown", [], kind);

    private static CriterionResult HardStop(string id) =>
        new(id, id, CriterionStatus.NotMet, $"{id} failed", [], WhenNotMet: Consequence.HardStop);

    private static CriterionResult Requirement(string id) => new(id, id, CriterionStatus.NotMet, $"{id} not yet met", []);
}
