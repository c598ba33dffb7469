using System.Buffers;
using System.Text;

namespace CdsService.Cards;

/// <summary>
/// Escapes text that comes from the request or the chart (displays, descriptions, explanations) so that it enters a
/// card's GitHub-flavoured Markdown as literal text: no link, image, autolink, raw HTML, entity, emphasis, code,
/// strikethrough, table cell or block (heading, list, quote) can come from it. CommonMark lets every ASCII punctuation
/// character be backslash-escaped; the characters that open constructs are escaped everywhere, the ones that only
/// matter at a line start are escaped there, and GFM's extended autolinks (<c>scheme://</c>, <c>www.</c>, e-mail
/// addresses) are broken at the character the extension keys on. Line breaks become spaces: a value is one line.
/// </summary>
internal static class MarkdownText
{
    private const string AlwaysEscaped = "\\`*_[]<>!|~&";

    // Every character the loop below does anything but copy: the escaped ones, the ones escaped in some contexts, line
    // breaks and other control characters. The text between two of them is copied in one piece.
    private static readonly SearchValues<char> NeedsAttention = SearchValues.Create(
        AlwaysEscaped + ":.@#-+=>)" + new string([.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(char.IsControl)]));

    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var markdown = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var plain = text.AsSpan(i).IndexOfAny(NeedsAttention);
            if (plain < 0)
            {
                markdown.Append(text.AsSpan(i));
                break;
            }

            markdown.Append(text.AsSpan(i, plain));
            i += plain;

            var c = text[i];
            if (c is '\r' or '\n' or '\t' || char.IsControl(c))
            {
                markdown.Append(' ');
                continue;
            }

            if (AlwaysEscaped.Contains(c, StringComparison.Ordinal)
                || (c == ':' && Follows(text, i + 1, "//"))
                || (c == '.' && i >= 3 && string.Compare(text, i - 3, "www", 0, 3, StringComparison.OrdinalIgnoreCase) == 0)
                || c == '@'
                || (markdown.Length == 0 && c is '#' or '-' or '+' or '=' or '>')
                || (c is '.' or ')' && IsLeadingNumber(text, i)))
            {
                markdown.Append('\\');
            }

            markdown.Append(c);
        }

        return markdown.ToString();
    }

    private static bool Follows(string text, int at, string what) =>
        at + what.Length <= text.Length && string.CompareOrdinal(text, at, what, 0, what.Length) == 0;

    // "1." or "12)" at the very start would open an ordered list.
    private static bool IsLeadingNumber(string text, int at) => at > 0 && !text.AsSpan(0, at).ContainsAnyExceptInRange('0', '9');
}
