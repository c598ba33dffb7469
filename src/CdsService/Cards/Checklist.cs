using System.Text;
using CdsService.Policies;

namespace CdsService.Cards;

/// <summary>
/// Criteria as a plain Markdown list that renders the same in every client (no GFM task-list boxes): each row names the
/// status in words, the criterion's title, what was concluded and the evidence, described for a person. The FHIR
/// references behind the evidence are for machines and go in the card extension instead.
/// </summary>
internal static class Checklist
{
    public static string Status(CriterionStatus status) => status switch
    {
        CriterionStatus.Met => "Met",
        CriterionStatus.NotMet => "Not met",
        CriterionStatus.Unknown => "Needs documentation",
        _ => "Not applicable",
    };

    public static string Render(IEnumerable<CriterionResult> criteria)
    {
        var markdown = new StringBuilder();
        foreach (var c in criteria)
        {
            markdown.Append("- **").Append(Status(c.Status)).Append("**: ").Append(MarkdownText.Escape(c.Title)).Append(". ")
                .Append(MarkdownText.Escape(Sentence(c.Explanation)));
            var evidence = c.Evidence.Select(e => e.Description).Where(d => !string.IsNullOrWhiteSpace(d)).Distinct().ToList();
            if (evidence.Count > 0)
            {
                markdown.Append(" Evidence: ").Append(MarkdownText.Escape(string.Join("; ", evidence).TrimEnd('.'))).Append('.');
            }

            markdown.Append('\n');
        }

        return markdown.ToString();
    }

    private static string Sentence(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");
}
