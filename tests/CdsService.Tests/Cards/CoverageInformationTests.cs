using CdsService.Cards;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static CdsService.Tests.Cards.DecisionFactory;

namespace CdsService.Tests.Cards;

/// <summary>The CRD coverage-information system action and the extension's invariants.</summary>
public sealed class CoverageInformationTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    [Fact]
    public void All_met_is_covered_with_prior_auth_and_the_questionnaire()
    {
        var action = CoverageInformation.Build(Decide([Met("a"), Met("b")]), Today, TimeProvider.System)!;

        var info = Info(action);
        Assert.Equal("covered", Code(info, "covered"));
        Assert.Equal("auth-needed", Code(info, "pa-needed"));
        Assert.Equal("clinical", Code(info, "doc-needed"));
        Assert.Equal("withpa", Code(info, "doc-purpose"));
        Assert.Equal(Policy.QuestionnaireCanonical, Value<Canonical>(info, "questionnaire").Value);
        Assert.Equal("Coverage/cov-1", Value<ResourceReference>(info, "coverage").Reference);
        Assert.Equal("2026-11-28", Value<Date>(info, "date").Value);
        Assert.False(string.IsNullOrEmpty(Value<FhirString>(info, "coverage-assertion-id").Value));
        Assert.NotNull(info.GetExtension("reason"));
    }

    [Fact]
    public void A_hard_stop_is_not_covered_without_pa_needed()
    {
        var info = Info(CoverageInformation.Build(Decide([Met("a"), HardStop("b")]), Today, TimeProvider.System)!);

        Assert.Equal("not-covered", Code(info, "covered"));
        Assert.Null(info.GetExtension("pa-needed"));
        Assert.Null(info.GetExtension("questionnaire"));
        Assert.NotNull(info.GetExtension("reason"));
    }

    [Fact]
    public void An_incomplete_record_is_indeterminate_for_a_technical_reason()
    {
        var info = Info(CoverageInformation.Build(Decide([Unknown("a")], unavailable: ["observations"]), Today, TimeProvider.System)!);

        Assert.Equal("indeterminate", Code(info, "covered"));
        var reason = Value<CodeableConcept>(info, "reason");
        Assert.Contains(reason.Coding, c => c.Code == "technical");
    }

    [Fact]
    public void No_known_coverage_means_no_system_action()
    {
        Assert.Null(CoverageInformation.Build(Decide([Met("a")], withCoverage: false), Today, TimeProvider.System));
    }

    [Fact]
    public void The_update_changes_nothing_but_the_coverage_information_extension()
    {
        var decision = Decide([Met("a")]);
        var original = (MedicationRequest)decision.Order;
        original.Extension.Add(new Extension(CardContract.CoverageInformationExtension, new FhirString("an earlier assertion")));
        original.Extension.Add(new Extension("http://example.org/other", new FhirString("kept")));

        var updated = (MedicationRequest)CoverageInformation.Build(decision, Today, TimeProvider.System)!.Resource!;

        Assert.Single(updated.Extension, e => e.Url == CardContract.CoverageInformationExtension);
        Assert.Contains(updated.Extension, e => e.Url == "http://example.org/other");
        var withoutExtensions = (MedicationRequest)updated.DeepCopy();
        withoutExtensions.Extension.Clear();
        var originalWithout = (MedicationRequest)original.DeepCopy();
        originalWithout.Extension.Clear();
        Assert.True(withoutExtensions.IsExactly(originalWithout));
        Assert.Equal(2, original.Extension.Count);
    }

    private static Extension Info(CdsService.CdsHooks.Wire.CdsAction action)
    {
        Assert.Equal("update", action.Type);
        return Assert.Single(((DomainResource)action.Resource!).Extension, e => e.Url == CardContract.CoverageInformationExtension);
    }

    private static T Value<T>(Extension info, string url)
        where T : DataType => Assert.IsType<T>(info.GetExtension(url)?.Value);

    private static string? Code(Extension info, string url) => ((Code?)info.GetExtension(url)?.Value)?.Value;
}
