using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Robustness;

/// <summary>
/// The bodies that once got a 5xx (fhir-examples/tests/hostile, written by its generate.py) get the status their name
/// ends in, with ProblemDetails for a 4xx; and the resource limits answer 413 before any parsing is paid for.
/// </summary>
public sealed class HostileBodyTests(MutatedRequestTests.NoEhrFixture fixture) : IClassFixture<MutatedRequestTests.NoEhrFixture>
{
    public static TheoryData<string> Bodies() =>
        [.. Directory.EnumerateFiles(Examples.PathOf("tests/hostile"), "*.json").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_body_that_once_failed_gets_the_status_its_name_gives(string file)
    {
        var expected = int.Parse(file.Split('.')[^2], System.Globalization.CultureInfo.InvariantCulture);

        using var response = await PostAsync(File.ReadAllBytes(Examples.PathOf($"tests/hostile/{file}")));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{(int)response.StatusCode}: {body}");
        if (expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("invalid-utf8-in-hookInstance.400.json", "'hookInstance'")]
    [InlineData("lone-surrogate-in-userId.400.json", "'context.userId'")]
    [InlineData("lone-surrogate-in-context-key.400.json", "'context.\\udc00x'")]
    [InlineData("duplicate-key-in-crd-configuration.400.json", "duplicate key at 'extension.davinci-crd.configuration.alt-drug'")]
    [InlineData("duplicate-key-in-context-userId.400.json", "duplicate key at 'context.userId'")]
    [InlineData("duplicate-prefetch-key.400.json", "duplicate key at 'prefetch.patient'")]
    [InlineData("duplicate-key-in-fhirAuthorization.400.json", "duplicate key at 'fhirAuthorization.subject'")]
    [InlineData("duplicate-key-in-prefetch-patient.400.json", "'prefetch.patient' is not valid FHIR R4: Encountered duplicate property 'birthDate'")]
    [InlineData("duplicate-key-in-repaired-resource.400.json", "(JSON129)")]
    [InlineData("duplicate-entry-arrays-in-prefetch-bundle.400.json", "two 'entry' keys")]
    [InlineData("duplicate-resourceType-in-contained-medication.400.json", "a resource inside it has two 'resourceType' keys")]
    public async Task The_400_names_what_is_wrong(string file, string named)
    {
        using var response = await PostAsync(File.ReadAllBytes(Examples.PathOf($"tests/hostile/{file}")));

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(named, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prefetch_Bundle_of_a_million_null_entries_is_413_without_being_parsed()
    {
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!.ToJsonString();
        var nulls = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[" + string.Join(',', Enumerable.Repeat("null", 1_000_000)) + "]}";
        var body = request.Replace("\"prefetch\":{", "\"prefetch\":{\"flood\":" + nulls + ",", StringComparison.Ordinal);

        var started = Stopwatch.GetTimestamp();
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Cds:Max", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Not a timing test: a regression guard against the quadratic repair that once took 9 minutes here.
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Too_many_draft_orders_is_413_naming_the_setting()
    {
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        var order = entries[0]!.DeepClone();
        for (var i = 0; i < 60; i++)
        {
            entries.Add(order.DeepClone());
        }

        using var response = await PostAsync(Encoding.UTF8.GetBytes(request.ToJsonString()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Cds:MaxDraftOrders", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await fixture.App.CreateClient().PostAsync(new Uri(CdsApp.BesponsaService, UriKind.Relative), content);
    }
}
