using CdsService.Pages;

namespace CdsService.Tests.Pages;

public sealed class PolicyTextTests
{
    [Fact]
    public void Wrapped_lines_are_joined_lists_kept_and_comments_dropped()
    {
        var text = PolicyText.Parse(
            "---\ntitle: X (x-mab)\neffective: 2025-04-01\n---\n<!-- internal note -->\n\nPolicy Guidelines\n\n"
            + "The payer requires that the prescriber documents everything that the clinical reviewer could\n\nwant to read.\n\n"
            + "1. First requirement that wraps over the line width of the published PDF document, hepatic veno-\n\nocclusive disease\n"
            + " 2. Second requirement\n",
            "fallback");

        Assert.Equal("X (x-mab)", text.Title);
        Assert.Equal(new DateOnly(2025, 4, 1), text.Effective);
        Assert.Equal(
            "## Policy Guidelines\n\nThe payer requires that the prescriber documents everything that the clinical reviewer could want to read.\n\n"
            + "1. First requirement that wraps over the line width of the published PDF document, hepatic veno-occlusive disease\n\n2. Second requirement\n",
            text.Body);
    }

    [Fact]
    public void Headings_follow_the_published_layout_not_every_short_line()
    {
        var text = PolicyText.Parse(
            "---\ntitle: Besponsa (inotuzumab ozogamicin)\n---\n Besponsa\n\nDescription\n\nBesponsa (inotuzumab ozogamicin)\n\n"
            + "Pre - PA Allowance\nNone\n\nPrior - Approval Limits\n\nDuration   3 months\n Rationale\nSummary\n\nBesponsa is indicated.\n"
            + " Policy History\n\nDate  Action\n\nAugust 2017 Addition to PA\n\nDecember 2017 Annual editorial review\n",
            "fallback");

        Assert.Equal(
            "## Description\n\nBesponsa (inotuzumab ozogamicin)\n\n## Pre - PA Allowance\n\nNone\n\n## Prior - Approval Limits\n\n"
            + "Duration 3 months\n\n## Rationale\n\n## Summary\n\nBesponsa is indicated.\n\n## Policy History\n\nDate Action\n\n"
            + "**August 2017** Addition to PA\n\n**December 2017** Annual editorial review\n",
            text.Body);
    }

    [Fact]
    public void Raw_HTML_in_the_published_text_is_shown_as_text_never_passed_through()
    {
        var text = PolicyText.Parse("Intro <script>alert(1)</script> and <img src=x onerror=alert(1)>.\n", "t");

        var html = PolicyPage.Html(text);

        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }
}
