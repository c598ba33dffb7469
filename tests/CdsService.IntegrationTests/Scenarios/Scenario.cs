using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Scenarios;

/// <summary>A fhir-examples scenario: the order-sign request and the outcome it must get.</summary>
internal sealed record Scenario(string Name, string Request, JsonElement Expected)
{
    public static IEnumerable<string> All() =>
        Directory.EnumerateDirectories(Examples.PathOf("scenarios")).Select(Path.GetFileName).Order()!;

    public static Scenario Load(string name) => new(
        name,
        Examples.Read($"scenarios/{name}/request.json"),
        JsonDocument.Parse(Examples.Read($"scenarios/{name}/expected.json")).RootElement.Clone());
}
