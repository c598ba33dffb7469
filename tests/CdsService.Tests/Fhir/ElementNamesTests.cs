using System.Text.Json;
using CdsService.Fhir;

namespace CdsService.Tests.Fhir;

public sealed class ElementNamesTests
{
    private static readonly ElementNames Unread = new(["text", "meta", "category", "dosageInstruction"]);

    [Theory]
    [InlineData("text", true)]
    [InlineData("meta", true)]
    [InlineData("category", true)]
    [InlineData("dosageInstruction", true)]
    [InlineData("code", false)] // the length of "text" and "meta", other bytes
    [InlineData("Text", false)] // names are case-sensitive
    [InlineData("categories", false)]
    [InlineData("dosageInstructions", false)] // longer than every name
    [InlineData("", false)]
    [InlineData("\\u0074ext", true)] // "text", escaped
    [InlineData("\\u0063ode", false)] // "code", escaped
    public void A_member_is_matched_by_its_unescaped_name(string rawName, bool expected)
    {
        using var document = JsonDocument.Parse($"{{\"{rawName}\": 1}}");

        Assert.Equal(expected, Unread.Contains(document.RootElement.EnumerateObject().Single()));
    }

    [Fact]
    public void No_names_match_nothing()
    {
        using var document = JsonDocument.Parse("{\"text\": 1}");

        Assert.False(new ElementNames([]).Contains(document.RootElement.EnumerateObject().Single()));
    }
}
