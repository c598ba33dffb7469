using System.Text.Json;

namespace CdsService.IntegrationTests.Fixtures;

/// <summary>
/// The checks the Inferno Da Vinci CRD test kit applies to a CDS Hooks response, plus the CDS Hooks JSON rules.
/// </summary>
internal static class CardAssertions
{
    private static readonly string[] IndicatorValues = ["info", "warning", "critical"];
    private static readonly string[] SelectionBehaviors = ["at-most-one", "any"];

    public static void AssertConformant(JsonElement response, bool coverageKnown)
    {
        Assert.Equal(JsonValueKind.Array, response.GetProperty("cards").ValueKind);
        AssertNoEmptyValues(response, "$", isRoot: true);
        foreach (var card in response.GetProperty("cards").EnumerateArray())
        {
            var summary = card.GetProperty("summary").GetString()!;
            Assert.True(summary.Length < 140, $"summary is {summary.Length} characters: {summary}");
            Assert.Contains(card.GetProperty("indicator").GetString(), IndicatorValues);
            var source = card.GetProperty("source");
            Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("label").GetString()));
            Assert.False(string.IsNullOrEmpty(source.GetProperty("topic").GetProperty("code").GetString()));
            Assert.False(string.IsNullOrEmpty(source.GetProperty("topic").GetProperty("system").GetString()));
            Assert.True(Guid.TryParse(card.GetProperty("uuid").GetString(), out _));
            if (card.TryGetProperty("suggestions", out var suggestions))
            {
                Assert.Contains(card.GetProperty("selectionBehavior").GetString(), SelectionBehaviors);
                foreach (var suggestion in suggestions.EnumerateArray())
                {
                    Assert.True(Guid.TryParse(suggestion.GetProperty("uuid").GetString(), out _));
                    Assert.False(string.IsNullOrEmpty(suggestion.GetProperty("label").GetString()));
                    foreach (var action in suggestion.GetProperty("actions").EnumerateArray())
                    {
                        Assert.False(string.IsNullOrEmpty(action.GetProperty("description").GetString()));
                    }
                }
            }

            if (card.TryGetProperty("overrideReasons", out var reasons))
            {
                foreach (var reason in reasons.EnumerateArray())
                {
                    Assert.False(string.IsNullOrEmpty(reason.GetProperty("display").GetString()));
                    Assert.False(string.IsNullOrEmpty(reason.GetProperty("code").GetString()));
                    Assert.False(string.IsNullOrEmpty(reason.GetProperty("system").GetString()));
                }
            }

            if (card.TryGetProperty("links", out var links))
            {
                foreach (var link in links.EnumerateArray())
                {
                    Assert.True(Uri.IsWellFormedUriString(link.GetProperty("url").GetString(), UriKind.Absolute));
                    if (link.GetProperty("type").GetString() == "absolute")
                    {
                        Assert.False(link.TryGetProperty("appContext", out _), "appContext is only for smart links");
                    }
                }
            }
        }

        if (coverageKnown)
        {
            var actions = response.GetProperty("systemActions");
            Assert.True(actions.GetArrayLength() > 0);
            foreach (var action in actions.EnumerateArray())
            {
                Assert.Equal("update", action.GetProperty("type").GetString());
                Assert.Contains(
                    action.GetProperty("resource").GetProperty("extension").EnumerateArray(),
                    e => e.GetProperty("url").GetString() == "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information");
            }
        }
    }

    /// <summary>The <c>com.priorauth.criteria</c> entries of a card; none when the card concerns no single criterion.</summary>
    public static IEnumerable<JsonElement> Criteria(JsonElement card) =>
        card.TryGetProperty("extension", out var extension) && extension.TryGetProperty("com.priorauth.criteria", out var criteria)
            ? criteria.EnumerateArray()
            : [];

    /// <summary>CDS Hooks §JSON: no null, "", [] or {} anywhere, except the top-level cards array.</summary>
    public static void AssertNoEmptyValues(JsonElement element, string path, bool isRoot = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.Fail($"null at {path}");
                break;
            case JsonValueKind.String:
                Assert.False(element.GetString()!.Length == 0, $"empty string at {path}");
                break;
            case JsonValueKind.Object:
                Assert.True(element.EnumerateObject().Any(), $"empty object at {path}");
                foreach (var property in element.EnumerateObject())
                {
                    if (!(isRoot && property.Name == "cards" && property.Value.GetArrayLength() == 0))
                    {
                        AssertNoEmptyValues(property.Value, $"{path}.{property.Name}");
                    }
                }

                break;
            case JsonValueKind.Array:
                Assert.True(element.GetArrayLength() > 0, $"empty array at {path}");
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    AssertNoEmptyValues(item, $"{path}[{i++}]");
                }

                break;
        }
    }
}
