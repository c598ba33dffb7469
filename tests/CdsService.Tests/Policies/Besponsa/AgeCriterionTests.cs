using CdsService.Policies;
using CdsService.Policies.Besponsa;

namespace CdsService.Tests.Policies.Besponsa;

/// <summary>Orders are dated 2026-11-28 (<see cref="TestRecord.OrderDate"/>).</summary>
public sealed class AgeCriterionTests
{
    [Theory]
    [InlineData("2025-11-28", "met")] // first birthday on the order date
    [InlineData("2025-11-29", "not-met")] // one day short
    [InlineData("2026-03-09", "not-met")]
    [InlineData("1980-05-14", "met")]
    [InlineData("2025-10", "met")] // even the last day of the month is a year ago
    [InlineData("2025-12", "not-met")] // even the first day of the month is too recent
    [InlineData("2025-11", "unknown")] // straddles the first birthday
    [InlineData("2025", "unknown")]
    [InlineData("2024", "met")]
    [InlineData(null, "unknown")]
    public void One_year_of_age_on_the_order_date(string? birthDate, string expected)
    {
        var result = AgeCriterion.Evaluate(new TestRecord().BornOn(birthDate).Evidence());

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.Equal(AgeCriterion.Id, result.Id);
    }

    [Fact]
    public void Under_one_is_a_hard_stop_citing_the_patient()
    {
        var result = AgeCriterion.Evaluate(new TestRecord().BornOn("2026-03-09").Evidence());

        Assert.Equal(Consequence.HardStop, result.WhenNotMet);
        Assert.Equal(GuidanceTopic.Contraindication, result.Topic);
        Assert.Equal(["Patient/p1"], result.References);
    }

    [Fact]
    public void Without_a_Patient_resource_age_is_unknown()
    {
        var result = AgeCriterion.Evaluate(new TestRecord().Condition(Concepts.BCellAll).Evidence());

        Assert.Equal(CriterionStatus.Unknown, result.Status);
        Assert.Empty(result.References);
    }

    [Theory]
    [InlineData("2008-11-28", true)] // 18th birthday on the order date
    [InlineData("2008-11-29", false)]
    [InlineData("2008-10", true)]
    [InlineData("2008-11", null)]
    [InlineData("2008", null)]
    [InlineData("2007", true)]
    [InlineData("2009", false)]
    [InlineData(null, null)]
    public void Adulthood_is_18_years_on_the_order_date(string? birthDate, bool? adult) =>
        Assert.Equal(adult, AgeCriterion.IsAtLeast(new TestRecord().BornOn(birthDate).Evidence(), 18));
}
