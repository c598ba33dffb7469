using System.Text;
using CdsService.Policies;

namespace CdsService.Cards;

/// <summary>Renders criteria as a GitHub-flavoured Markdown task list with the evidence behind each.</summary>
internal static class Checklist
{
    public static string Render(IEnumerable<CriterionResult> criteria)
    {
        var markdown = new StringBuilder();
        foreach (var c in criteria)
        {
            var box = c.Status is CriterionStatus.Met or CriterionStatus.NotApplicable ? "[x]" : "[ ]";
            var status = c.Status switch
            {
                CriterionStatus.Met => "met",
                CriterionStatus.NotMet => "**not met**",
                CriterionStatus.Unknown => "unknown, please document",
                _ => "not applicable",
            };
            markdown.Append("- ").Append(box).Append(" **").Append(Escape(c.Title)).Append("** (`").Append(c.Id).Append("`): ")
                .Append(status).Append(". ").Append(Escape(Sentence(c.Explanation)));
            if (c.Evidence.Count > 0)
            {
                markdown.Append(" _Evidence: ").Append(Escape(string.Join("; ", c.Evidence.Select(e => e.Description).Distinct()))).Append('_');
            }

            markdown.Append('\n');
        }

        return markdown.ToString();
    }

    private static string Sentence(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");

    // Evidence ids and explanations are plain text; keep them from being read as Markdown or HTML.
    private static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal)
        .Replace("*", "\\*", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal);
}
