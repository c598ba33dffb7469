using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using static CdsService.Tests.Cards.DecisionFactory;

namespace CdsService.Tests.Cards;

public sealed class CardRendererTests
{
    private readonly CardRenderer _renderer = Renderer();

    [Fact]
    public void Hard_stops_come_first_and_every_card_names_its_criteria_and_statuses()
    {
        var response = _renderer.Render([Decide([Met("age"), HardStop("diagnosis"), Unknown("cd22", EvidenceKind.Attestation)])], HookRequest(), Call);

        Assert.Equal("critical", response.Cards[0].Indicator);
        var criteria = Criteria(response.Cards[0]);
        Assert.Equal([("diagnosis", "not-met")], criteria);
        Assert.All(response.Cards, c => Assert.Equal("Example Health Plan", c.Source.Label));
        Assert.All(response.Cards, c => Assert.True(Guid.TryParse(c.Uuid, out _)));
        var summary = response.Cards.Single(c => c.Extension!.ContainsKey(CardContract.ApprovalExtensionKey));
        Assert.Equal(3, Criteria(summary).Count);
    }

    [Fact]
    public void Warning_and_critical_cards_offer_override_reasons_with_displays_info_cards_do_not()
    {
        var response = _renderer.Render([Decide([HardStop("diagnosis"), Unknown("cd22")])], HookRequest(), Call);

        Assert.All(response.Cards.Where(c => c.Indicator != "info"), c => Assert.All(c.OverrideReasons!, r => Assert.False(string.IsNullOrEmpty(r.Display))));
        Assert.All(response.Cards.Where(c => c.Indicator == "info"), c => Assert.Null(c.OverrideReasons));
    }

    [Fact]
    public void Long_summaries_are_cut_below_140_characters()
    {
        var longWhy = new string('x', 200);
        var decision = Decide([new CriterionResult("age", "Age", CriterionStatus.NotMet, longWhy, [], WhenNotMet: Consequence.HardStop)]);

        var response = _renderer.Render([decision], HookRequest(), Call);

        Assert.All(response.Cards, c => Assert.True(c.Summary.Length < 140));
    }

    [Fact]
    public void Questionnaire_link_is_absolute_and_resolves_against_the_public_base()
    {
        var response = _renderer.Render([Decide([Unknown("lft", EvidenceKind.Attestation)])], HookRequest(), Call);

        var link = response.Cards.SelectMany(c => c.Links ?? []).Where(l => l.Url.Contains("Questionnaire", StringComparison.Ordinal)).DistinctBy(l => l.Url).Single();
        Assert.Equal("https://cds.example.org/fhir/Questionnaire/testdrug-pa", link.Url);
        Assert.Equal("absolute", link.Type);
        Assert.Null(link.AppContext);
    }

    [Fact]
    public void Proposed_orders_become_suggestions_requested_by_the_signing_user()
    {
        var finding = new Finding(FindingKind.AdditionalOrders, "Order a test", "", ["lft"], GuidanceTopic.AppropriateUse,
            [new ProposedOrder("Order ALT", new ServiceRequest { Status = RequestStatus.Draft, Intent = RequestIntent.Order })]);
        var decision = Decide([Met("lft")]) is var d ? d with { Findings = [.. d.Findings, finding] } : null!;

        var response = _renderer.Render([decision], HookRequest(), Call);

        var card = response.Cards.Single(c => c.Suggestions is not null);
        Assert.Equal("any", card.SelectionBehavior);
        var suggestion = Assert.Single(card.Suggestions!);
        Assert.True(Guid.TryParse(suggestion.Uuid, out _));
        var order = Assert.IsType<ServiceRequest>(Assert.Single(suggestion.Actions!).Resource);
        Assert.Equal("Practitioner/prac-1", order.Requester?.Reference);
        Assert.Null(((ServiceRequest)finding.Orders[0].Resource).Requester);
    }

    private static List<(string, string)> Criteria(CdsService.CdsHooks.Wire.Card card) =>
        [.. ((IEnumerable<CriterionStatusEntry>)card.Extension![CardContract.CriteriaExtensionKey]).Select(e => (e.Id, e.Status))];
}
