using CdsService.Policies;
using CdsService.Policies.Besponsa;
using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies.Besponsa;

public sealed class BaselineLiverTestsTests
{
    private const int Window = 30;
    private static readonly string[] AllFour = ["1742-6", "1920-8", "1975-2", "6768-6"];

    [Fact]
    public void Four_recent_tests_are_a_baseline()
    {
        var evidence = WithTests("2026-11-20", AllFour).Evidence();

        Assert.Null(BaselineLiverTests.Check(evidence, Window, "Besponsa"));
    }

    [Fact]
    public void Without_a_baseline_the_four_tests_are_proposed_as_draft_orders()
    {
        var finding = BaselineLiverTests.Check(new TestRecord().Adult().Evidence(), Window, "Besponsa");

        Assert.NotNull(finding);
        Assert.Equal(FindingKind.AdditionalOrders, finding.Kind);
        Assert.Equal([AttestationCriteria.LftId], finding.CriterionIds);
        var orders = finding.Orders.Select(o => Assert.IsType<ServiceRequest>(o.Resource)).ToList();
        Assert.Equal(AllFour, orders.Select(o => o.Code!.Coding.Single(c => c.System == CodeSystems.Loinc).Code));
        Assert.All(orders, o =>
        {
            Assert.Equal(RequestStatus.Draft, o.Status);
            Assert.Equal(RequestIntent.Order, o.Intent);
            Assert.Equal("Patient/p1", o.Subject.Reference);
        });
    }

    [Theory]
    [InlineData("2026-10-29", true)] // 30 days before the order
    [InlineData("2026-10-28", false)]
    [InlineData("2026-11-28T07:00:00Z", true)] // the morning of the order date
    [InlineData("2026-11-29", false)] // after the order: not a baseline
    public void A_baseline_is_from_the_window_before_the_order(string effective, bool counts)
    {
        var finding = BaselineLiverTests.Check(WithTests(effective, AllFour).Evidence(), Window, "Besponsa");

        Assert.Equal(counts, finding is null);
    }

    [Fact]
    public void The_window_is_configurable()
    {
        var evidence = WithTests("2026-11-14", AllFour).Evidence();

        Assert.Null(BaselineLiverTests.Check(evidence, 30, "Besponsa"));
        Assert.NotNull(BaselineLiverTests.Check(evidence, 7, "Besponsa"));
    }

    [Fact]
    public void Only_the_missing_tests_are_proposed()
    {
        var evidence = WithTests("2026-11-20", "1744-2", "88112-8").Evidence(); // ALT and AST by alternative methods

        var finding = BaselineLiverTests.Check(evidence, Window, "Besponsa");

        Assert.NotNull(finding);
        Assert.Equal(["Order total bilirubin", "Order alkaline phosphatase"], finding.Orders.Select(o => o.Label));
    }

    [Fact]
    public void A_hepatic_function_panel_counts_for_all_four()
    {
        var evidence = WithTests("2026-11-25", "24325-3").Evidence();

        Assert.Null(BaselineLiverTests.Check(evidence, Window, "Besponsa"));
    }

    [Fact]
    public void A_cancelled_result_is_no_result()
    {
        var record = new TestRecord().Adult();
        foreach (var code in AllFour)
        {
            record.Result(Loinc(code), new Quantity(30m, "U/L"), "2026-11-20", status: ObservationStatus.Cancelled);
        }

        Assert.NotNull(BaselineLiverTests.Check(record.Evidence(), Window, "Besponsa"));
    }

    private static TestRecord WithTests(string effective, params string[] loinc)
    {
        var record = new TestRecord().Adult();
        foreach (var code in loinc)
        {
            record.Result(Loinc(code), new Quantity(30m, "U/L"), effective);
        }

        return record;
    }
}
