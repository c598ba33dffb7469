using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CdsService.Pages;

/// <summary>
/// A policy document as the payer published it (text extracted from a PDF, every wrapped line its own paragraph) turned
/// into Markdown a person can read: front matter read for the provenance, HTML comments dropped, wrapped lines joined
/// (hyphenated words rejoined), numbered requirements kept as lists, short title-like lines made headings, the
/// running title the PDF repeats above the first section dropped, and the dates that lead a history table's rows bold.
/// </summary>
internal sealed partial record PolicyText(string Title, string? Source, DateOnly? Approved, DateOnly? Effective, string Body)
{
    /// <summary>A line at least this long that does not end a sentence was wrapped by the PDF, not by the author.</summary>
    private const int WrappedLineLength = 70;

    public static PolicyText Parse(string published, string fallbackTitle)
    {
        var (meta, rest) = FrontMatter(published);
        var title = meta.GetValueOrDefault("title") ?? fallbackTitle;
        var blocks = Blocks(Comment().Replace(rest, ""));

        // The PDF's running title ("Besponsa" above "Description") repeats the page's own heading.
        if (blocks.Count > 0 && IsHeading(blocks[0]) && title.StartsWith(blocks[0], StringComparison.OrdinalIgnoreCase)
            && (title.Length == blocks[0].Length || !char.IsLetterOrDigit(title[blocks[0].Length])))
        {
            blocks.RemoveAt(0);
        }

        var body = new StringBuilder();
        var afterHeading = false;
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var next = i + 1 < blocks.Count ? blocks[i + 1] : null;
            var heading = IsHeading(block)

                // A title-like line right above date-led rows is the history table's column header ("Date Action").
                && (next is null || !DatedRow().IsMatch(next))

                // One word between two headings is the first one's value ("Pre - PA Allowance" / "None"), but a
                // section that opens on its sub-heading ("Rationale" / "Summary") is a heading.
                && (block.Contains(' ', StringComparison.Ordinal) || next is null || !IsHeading(next) || !afterHeading);
            if (heading)
            {
                body.Append("## ").Append(block);
            }
            else if (DatedRow().Match(block) is { Success: true } dated)
            {
                body.Append("**").Append(dated.Value).Append("**").Append(block.AsSpan(dated.Length));
            }
            else
            {
                body.Append(block);
            }

            body.Append("\n\n");
            afterHeading = heading;
        }

        return new PolicyText(
            title,
            meta.GetValueOrDefault("source"),
            Date(meta.GetValueOrDefault("approved")),
            Date(meta.GetValueOrDefault("effective")),
            body.ToString().TrimEnd() + "\n");
    }

    /// <summary>The cleaned document as Markdown, its provenance kept as front matter.</summary>
    public string ToMarkdown()
    {
        var markdown = new StringBuilder("---\n").Append("title: ").Append(Title).Append('\n');
        if (Source is not null)
        {
            markdown.Append("source: ").Append(Source).Append('\n');
        }

        if (Approved is { } approved)
        {
            markdown.Append("approved: ").Append(approved.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        }

        if (Effective is { } effective)
        {
            markdown.Append("effective: ").Append(effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        }

        return markdown.Append("---\n\n").Append(Body).ToString();
    }

    private static (Dictionary<string, string> Meta, string Body) FrontMatter(string text)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var end = normalized.StartsWith("---\n", StringComparison.Ordinal) ? normalized.IndexOf("\n---\n", 3, StringComparison.Ordinal) : -1;
        if (end < 0)
        {
            return (meta, normalized);
        }

        foreach (var line in normalized[4..end].Split('\n'))
        {
            if (line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                meta[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (meta, normalized[(end + 5)..]);
    }

    private static List<string> Blocks(string text)
    {
        var blocks = new List<string>();
        var lastLine = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = Spaces().Replace(raw.Trim(), " ");
            if (line.Length == 0)
            {
                continue;
            }

            if (blocks.Count > 0 && Continues(lastLine, line))
            {
                blocks[^1] = lastLine.EndsWith('-') && char.IsLetter(line[0]) && char.IsLower(line[0])
                    ? blocks[^1] + line
                    : blocks[^1] + " " + line;
            }
            else
            {
                blocks.Add(line);
            }

            lastLine = line;
        }

        return blocks;
    }

    private static bool Continues(string previous, string line)
    {
        if (ListItem().IsMatch(line))
        {
            return false;
        }

        var endsSentence = previous[^1] is '.' or ':' or '!' or '?';
        return previous[^1] is ',' or '-'
            || (!endsSentence && char.IsLower(line[0]))
            || (!endsSentence && previous.Length >= WrappedLineLength && !IsHeading(line));
    }

    private static bool IsHeading(string block) =>
        block.Length <= 40
        && char.IsUpper(block[0])
        && block.Split(' ').Count(w => w.Any(char.IsLetter)) <= 4
        && !block.Any(c => char.IsDigit(c) || c is '.' or ',' or ';' or ':' or '(' or ')' or '®' or '"' or '“' or '”');

    private static DateOnly? Date(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b")]
    private static partial Regex DatedRow();

    [GeneratedRegex(@"^\d{1,2}\.\s")]
    private static partial Regex ListItem();
}
