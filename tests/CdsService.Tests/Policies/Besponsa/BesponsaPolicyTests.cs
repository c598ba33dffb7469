using CdsService.PatientRecords;
using CdsService.Policies;
using CdsService.Policies.Besponsa;
using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies.Besponsa;

public sealed class BesponsaPolicyTests
{
    private readonly BesponsaPolicy _policy = new(Options.Create(new BesponsaOptions()), Options.Create(new PayerOptions()));

    [Theory]
    [InlineData(CodeSystems.RxNorm, "1942959", true)] // branded drug
    [InlineData(CodeSystems.RxNorm, "1942950", true)] // ingredient
    [InlineData(CodeSystems.RxNorm, "1942594", false)] // a look-alike that is not inotuzumab
    [InlineData(CodeSystems.Ndc, "0008-0100-01", true)]
    [InlineData(CodeSystems.Ndc, "00008-0100-01", true)]
    [InlineData(CodeSystems.Ndc, "00008010001", true)]
    [InlineData(CodeSystems.Ndc, "0008010001", true)]
    [InlineData(CodeSystems.Ndc, "0008-0100-02", false)]
    [InlineData("https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "J9229", true)]
    [InlineData("http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "J9229", true)]
    [InlineData(CodeSystems.RxNorm, "404589", false)] // imatinib
    public void Orders_are_recognised_by_RxNorm_NDC_or_HCPCS(string system, string code, bool covered)
    {
        var order = new MedicationRequest { Id = "o", Medication = new CodeableConcept(system, code) };

        Assert.Equal(covered, _policy.Covers(order, MedicationIndex.Empty));
    }

    [Fact]
    public void A_contained_Medication_and_a_ServiceRequest_are_recognised()
    {
        var contained = new MedicationRequest
        {
            Id = "o",
            Contained = [new Medication { Id = "m", Code = BesponsaVial }],
            Medication = new ResourceReference("#m"),
        };
        var service = new ServiceRequest { Id = "s", Code = new CodeableConcept(CodeSystems.Hcpcs[0], "J9229") };

        Assert.True(_policy.Covers(contained, MedicationIndex.Empty));
        Assert.True(_policy.Covers(service, MedicationIndex.Empty));
        Assert.False(_policy.Covers(new Patient { Id = "p" }, MedicationIndex.Empty));
    }

    [Fact]
    public void A_first_order_is_an_initial_request_for_3_months()
    {
        var decision = _policy.Evaluate(Order("o"), Eligible().Build(), TestRecord.OrderDate);

        Assert.Equal(RequestKind.Initial, decision.Kind);
        Assert.Equal(3, decision.ApprovalMonths);
        Assert.Equal(CriterionStatus.NotApplicable, decision[RenewalCriteria.ProgressionId].Status);
    }

    [Fact]
    public void Besponsa_already_given_makes_it_a_renewal_for_6_months()
    {
        var record = Eligible().Administered(BesponsaVial, "2026-10-06").Build();

        var decision = _policy.Evaluate(Order("o"), record, TestRecord.OrderDate);

        Assert.Equal(RequestKind.Renewal, decision.Kind);
        Assert.Equal(6, decision.ApprovalMonths);
        Assert.Equal(CriterionStatus.NotApplicable, decision[PhTkiCriterion.Id].Status);
    }

    [Fact]
    public void The_order_itself_or_a_voided_dose_in_the_history_is_not_prior_treatment()
    {
        var record = Eligible()
            .Ordered(BesponsaVial, MedicationRequest.MedicationrequestStatus.Draft, "2026-11-28", id: "o")
            .Administered(BesponsaVial, status: MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError)
            .Build();

        Assert.Equal(RequestKind.Initial, _policy.Evaluate(Order("o"), record, TestRecord.OrderDate).Kind);
    }

    [Fact]
    public void Age_is_judged_on_the_order_date_not_today()
    {
        var record = new TestRecord().BornOn("2025-11-28").Condition(BCellAll).Build();
        var order = Order("o");
        order.AuthoredOn = "2026-11-27";

        var decision = _policy.Evaluate(order, record, today: new DateOnly(2026, 12, 15));

        Assert.Equal(CriterionStatus.NotMet, decision[AgeCriterion.Id].Status);
    }

    [Fact]
    public void Every_criterion_is_evaluated_once_in_policy_order()
    {
        var decision = _policy.Evaluate(Order("o"), Eligible().Build(), TestRecord.OrderDate);

        Assert.Equal(
            ["age", "b-all-diagnosis", "relapsed-or-refractory", "cd22-positive", "ph-tki-history", "lft-monitoring",
             "vod-monitoring", "no-alkylating-conditioning", "no-progression", "no-unacceptable-toxicity"],
            decision.Criteria.Select(c => c.Id));
    }

    private static MedicationRequest Order(string id) => new()
    {
        Id = id,
        Status = MedicationRequest.MedicationrequestStatus.Draft,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = BesponsaVial,
        Subject = TestRecord.Subject,
        AuthoredOn = "2026-11-28",
    };

    private static TestRecord Eligible() => new TestRecord().Adult().Condition(BCellAll, "relapse");
}
