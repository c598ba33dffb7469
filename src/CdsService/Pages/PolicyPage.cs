using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CdsService.Policies;
using Markdig;

namespace CdsService.Pages;

/// <summary>
/// A policy's published text for people: cleaned once per policy (<see cref="PolicyText"/>), then rendered with
/// Markdig as an HTML page that shows where the text comes from and when it took effect. Raw HTML in the source is
/// never passed through (Markdig's HTML is disabled, so it shows as text).
/// </summary>
internal sealed class PolicyPage
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    private readonly ConcurrentDictionary<string, PolicyText> _texts = new(StringComparer.Ordinal);

    public PolicyText Text(PolicyInfo policy) => _texts.GetOrAdd(policy.Id, _ =>
    {
        using var stream = typeof(PolicyPage).Assembly.GetManifestResourceStream($"policies/{policy.Id}");
        var published = stream is null ? $"{policy.Title}\n\n{policy.Description}\n" : new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        return PolicyText.Parse(published, policy.Title);
    });

    public static string Html(PolicyText text)
    {
        var main = new StringBuilder("<article class=\"policy\">\n<h1>").Append(HtmlPage.Encode(text.Title)).Append("</h1>\n");
        main.Append("<dl class=\"provenance\">\n");
        if (text.Source is not null)
        {
            main.Append("<dt>Source</dt><dd>").Append(HtmlPage.Encode(text.Source)).Append("</dd>\n");
        }

        Date(main, "Approved", text.Approved);
        Date(main, "Effective", text.Effective);
        main.Append("</dl>\n").Append(Markdown.ToHtml(text.Body, Pipeline)).Append("</article>");
        return main.ToString();
    }

    private static void Date(StringBuilder html, string label, DateOnly? date)
    {
        if (date is { } d)
        {
            html.Append("<dt>").Append(label).Append("</dt><dd><time datetime=\"")
                .Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("\">")
                .Append(d.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture)).Append("</time></dd>\n");
        }
    }
}
