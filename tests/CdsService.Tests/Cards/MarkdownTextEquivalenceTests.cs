using System.Text;
using CdsService.Cards;
using CsCheck;

namespace CdsService.Tests.Cards;

/// <summary>
/// <see cref="MarkdownText.Escape"/> copies the text between characters that need attention in one piece; it must
/// escape exactly as the character-by-character loop it replaced (kept below as the oracle, which
/// <see cref="MarkdownInjectionTests"/> checked against Markdig), on text dense in every character that matters.
/// </summary>
public sealed class MarkdownTextEquivalenceTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
            Gen.Char["\\`*_[]<>!|~&:.@#-+=>)/(wW \t\r\n\u0000\u001f\u007f\u0085\u009f0123456789abcé\u2028😀"],
            Gen.Char)
        .Array[0, 40]
        .Select(chars => new string(chars));

    [Fact]
    public void Escapes_exactly_as_the_character_by_character_loop()
    {
        Text.Sample(text => Assert.Equal(Oracle(text), MarkdownText.Escape(text)), iter: 20_000);
    }

    [Theory]
    [InlineData("www.evil.example")]
    [InlineData("1. approved")]
    [InlineData("12) approved")]
    [InlineData("see https://evil.example")]
    [InlineData("# Approved")]
    [InlineData("plain text with no special character")]
    public void Escapes_known_cases_as_the_loop_did(string text) => Assert.Equal(Oracle(text), MarkdownText.Escape(text));

    private const string AlwaysEscaped = "\\`*_[]<>!|~&";

    private static string Oracle(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var markdown = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
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

    private static bool IsLeadingNumber(string text, int at) => at > 0 && text[..at].All(char.IsAsciiDigit);
}
