using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using static CdsService.Tests.Cards.DecisionFactory;

namespace CdsService.Tests.Cards;

/// <summary>One voice and one count: the summary, its checklist and the other cards agree, in words a clinician reads.</summary>
public sealed class CardWordingTests
{
    private readonly CardRenderer _renderer = Renderer();

    [Fact]
    public void The_summary_counts_only_what_applies_and_its_checklist_says_the_same_in_words()
    {
        var response = Render(Decide([Met("a"), Unknown("b"), Unknown("c", EvidenceKind.Attestation), NotApplicable("d")]));

        var summary = Summary(response);
        Assert.Equal("Prior authorization: 2 items need documentation", summary.Summary);
        Assert.Equal(2, Rows(summary.Detail!, "Needs documentation"));
        Assert.Equal(1, Rows(summary.Detail!, "Met"));
        Assert.Equal(1, Rows(summary.Detail!, "Not applicable"));
        Assert.Contains("(3 criteria apply)", summary.Detail, StringComparison.Ordinal);
        Assert.All(response.Cards, c => Assert.DoesNotContain("[x]", c.Detail, StringComparison.Ordinal));
        Assert.All(response.Cards, c => Assert.DoesNotContain("[ ]", c.Detail, StringComparison.Ordinal));
        Assert.All(response.Cards, c => Assert.DoesNotContain("submit", c.Summary, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Nothing_says_submit_while_a_suggested_test_is_still_to_be_ordered()
    {
        var labs = new Finding(FindingKind.AdditionalOrders, "Order baseline tests", "", ["a"], GuidanceTopic.AppropriateUse,
            [new ProposedOrder("Order ALT", new ServiceRequest { Status = RequestStatus.Draft, Intent = RequestIntent.Order })]);
        var decision = Decide([Met("a")]) is var d ? d with { Findings = [.. d.Findings, labs] } : null!;

        var response = Render(decision);

        Assert.Equal("Prior authorization: 1 test to order", Summary(response).Summary);
        Assert.All(response.Cards, c => Assert.DoesNotContain("submit the", c.Detail, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void When_everything_is_met_the_summary_says_ready_to_submit_and_links_what_it_names()
    {
        var response = Render(Decide([Met("a"), Met("b"), NotApplicable("c")]));

        var summary = Summary(response);
        Assert.Equal("Prior authorization: all 2 applicable criteria met; ready to submit", summary.Summary);
        Assert.Contains(summary.Links!, l => l.Label.Contains("questionnaire", StringComparison.Ordinal));
        Assert.Contains(summary.Links!, l => l.Label.Contains("policy", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pre_emptive_determination_is_reported_as_approved_with_its_number_and_end_date()
    {
        var decision = Decide([Met("a")]) with { Determination = new PreemptiveDetermination("PA-2026-000123", new DateOnly(2026, 11, 28), new DateOnly(2027, 2, 27)) };

        var summary = Summary(Render(decision));

        Assert.Equal("Prior authorization approved: PA-2026-000123, valid through 2027-02-27", summary.Summary);
        Assert.Contains("from 2026-11-28 through 2027-02-27", summary.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hard_stop_is_told_once_the_summary_gives_the_count_not_the_reason()
    {
        var response = Render(Decide([Met("a"), HardStop("b"), Unknown("c")]));

        var critical = Assert.Single(response.Cards, c => c.Indicator == Indicators.Critical);
        var summary = Summary(response);
        Assert.Equal("Prior authorization: outside the Testdrug policy (1 of 3 criteria not met)", summary.Summary);
        Assert.NotEqual(critical.Summary, summary.Summary);
        Assert.DoesNotContain("outside the label", summary.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Cards, c => c.Summary.StartsWith("Document", StringComparison.Ordinal));
    }

    [Fact]
    public void Orders_are_named_by_drug_and_date_never_by_id()
    {
        var order = Order();
        order.AuthoredOn = "2026-11-28";
        var decision = Decide([Unknown("a", EvidenceKind.Attestation)]) with { Order = order };

        var response = Render(decision);

        Assert.All(response.Cards, c => Assert.StartsWith("**Testdrug order of 2026-11-28**", c.Detail, StringComparison.Ordinal));
        Assert.All(response.Cards, c => Assert.DoesNotContain("mr-1", c.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public void Evidence_is_described_for_people_and_its_references_are_kept_for_machines()
    {
        var criterion = new CriterionResult("a", "Alpha", CriterionStatus.Met, "documented",
            [new EvidenceItem("BCR-ABL1 p190 ratio 0.12 %, 2024-08-20", ["Observation/obs-7"])]);

        var summary = Summary(Render(Decide([criterion])));

        Assert.Contains("Evidence: BCR-ABL1 p190 ratio 0.12 %, 2024-08-20.", summary.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Observation/obs-7", summary.Detail, StringComparison.Ordinal);
        var entry = Assert.Single((IEnumerable<CriterionStatusEntry>)summary.Extension![CardContract.CriteriaExtensionKey]);
        Assert.Equal(["Observation/obs-7"], entry.Evidence);
    }

    private CdsResponse Render(PolicyDecision decision) => _renderer.Render([decision], HookRequest(), Call);

    private static Card Summary(CdsResponse response) =>
        response.Cards.Single(c => c.Extension?.ContainsKey(CardContract.ApprovalExtensionKey) == true);

    private static int Rows(string detail, string status) =>
        detail.Split('\n').Count(l => l.StartsWith($"- **{status}**:", StringComparison.Ordinal));

    private static CriterionResult NotApplicable(string id) => new(id, id, CriterionStatus.NotApplicable, "does not apply", []);
}
