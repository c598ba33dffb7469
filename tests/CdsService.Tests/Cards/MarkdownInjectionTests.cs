using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Markdig;
using Markdown = Markdig.Markdown;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.Extensions.Options;
using static CdsService.Tests.Cards.DecisionFactory;

namespace CdsService.Tests.Cards;

/// <summary>
/// Values from the request or the chart (order ids, code displays, evidence descriptions) cannot become Markdown in a
/// card: each hostile value is rendered with Markdig's full GFM pipeline and must yield no link, image, autolink, raw
/// HTML, table or block of its own, and its text must survive as text.
/// </summary>
public sealed class MarkdownInjectionTests
{
    private static readonly MarkdownPipeline Gfm = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static TheoryData<string> Hostile() =>
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "[Approve now](https://evil.example)",
        "![x](y)",
        "https://evil.example/approve",
        "www.evil.example",
        "mallory@evil.example",
        "<https://evil.example>",
        "[ref]: https://evil.example",
        "&lt;img src=x&gt;",
        "**urgent** _now_ ~~never~~ `code`",
        "| a | b |\n|---|---|\n| c | d |",
        "# Approved",
        "- [x] approved",
        "1. approved",
        "> quoted",
        "=== ",
        "line one\n\n# heading after a break",
    ];

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_value_stays_literal_text(string value)
    {
        var document = Markdown.Parse(MarkdownText.Escape(value), Gfm);

        AssertNothingButText(document);
        Assert.Equal(Flatten(value), Markdown.ToPlainText(MarkdownText.Escape(value), Gfm).Trim());
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_display_or_id_in_a_decision_cannot_inject_anything_into_any_card(string value)
    {
        var order = Order();
        order.Id = value;
        var criteria = new[]
        {
            new CriterionResult("a", "Alpha", CriterionStatus.Met, value, [new EvidenceItem(value, [$"Observation/{value}"])]),
            new CriterionResult("b", value, CriterionStatus.Unknown, "not documented", [], EvidenceKind.Attestation),
        };
        var decision = Decide(criteria) with { Order = order };
        var response = Renderer().Render([decision], HookRequest(), Call);

        foreach (var card in response.Cards)
        {
            var document = Markdown.Parse(card.Detail!, Gfm);
            Assert.Empty(document.Descendants<HtmlBlock>());
            Assert.Empty(document.Descendants<HtmlInline>());
            Assert.Empty(document.Descendants<HtmlEntityInline>());
            Assert.Empty(document.Descendants<AutolinkInline>());
            Assert.Empty(document.Descendants<Table>());
            Assert.Empty(document.Descendants<HeadingBlock>());
            Assert.Empty(document.Descendants<QuoteBlock>());
            Assert.All(document.Descendants<LinkInline>(), link =>
            {
                Assert.False(link.IsImage);
                Assert.StartsWith("https://cds.example.org/", link.Url, StringComparison.Ordinal);
            });
        }
    }

    private static void AssertNothingButText(MarkdownDocument document)
    {
        var paragraph = Assert.IsType<ParagraphBlock>(Assert.Single(document));
        Assert.All(paragraph.Inline!.Descendants<Inline>(), inline =>
            Assert.True(inline is LiteralInline or LineBreakInline, $"{inline.GetType().Name} from the value"));
    }

    // A value is one line: its line breaks become spaces.
    private static string Flatten(string value) => value.Replace('\n', ' ').Trim();
}
