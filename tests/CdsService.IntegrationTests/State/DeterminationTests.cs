using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// CRD unsolicited determinations: a fully documented order is approved on the spot (pa-needed = satisfied with
/// satisfied-pa-id and expiry-date, invariants q4 and q5), stored, and found again by its coverage-assertion-id.
/// </summary>
public sealed partial class DeterminationTests : IDisposable
{
    private const string AllMet = "scenarios/05-ph-negative-adult-all-met/request.json";

    private readonly CdsApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_fully_documented_order_is_approved_stored_and_found_by_its_coverage_assertion_id()
    {
        var (_, body) = await StateCalls.HookAsync(_app, AllMet);
        var coverage = Coverage(body);

        Assert.Equal("covered", Value(coverage, "covered"));
        Assert.Equal("satisfied", Value(coverage, "pa-needed"));
        var number = Value(coverage, "satisfied-pa-id")!;
        Assert.Matches(AuthorizationNumber(), number);
        Assert.Equal("2027-02-28", Value(coverage, "expiry-date"));
        Assert.Null(Value(coverage, "doc-purpose"));
        Assert.Null(Value(coverage, "doc-needed"));
        Assert.Null(Value(coverage, "questionnaire"));

        var assertion = await StateCalls.OperatorGetAsync(_app, $"/operator/coverage-assertions/{Value(coverage, "coverage-assertion-id")}");
        var determination = assertion.GetProperty("determination");
        Assert.Equal(number, determination.GetProperty("authorizationNumber").GetString());
        Assert.Equal("initial", determination.GetProperty("kind").GetString());
        Assert.Equal(("2026-11-28", "2027-02-28"), (determination.GetProperty("start").GetString(), determination.GetProperty("expiry").GetString()));
        Assert.StartsWith("MedicationRequest/", determination.GetProperty("orderReference").GetString(), StringComparison.Ordinal);
        Assert.Equal(64, determination.GetProperty("patientKey").GetString()!.Length);
    }

    [Fact]
    public async Task Every_call_mints_a_new_unguessable_number()
    {
        var numbers = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            numbers.Add(Value(Coverage((await StateCalls.HookAsync(_app, AllMet)).Body), "satisfied-pa-id")!);
        }

        Assert.Equal(3, numbers.Count);
    }

    [Fact]
    public async Task A_what_if_call_with_unsolicited_determ_false_gets_the_ordinary_answer()
    {
        var request = JsonNode.Parse(Examples.Read(AllMet))!;
        var extension = request["extension"] as JsonObject ?? [];
        extension["davinci-crd.configuration"] = new JsonObject { ["unsolicited-determ"] = false };
        request["extension"] = extension;

        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var coverage = Coverage(body.RootElement);

        Assert.Equal("auth-needed", Value(coverage, "pa-needed"));
        Assert.Null(Value(coverage, "satisfied-pa-id"));
        Assert.Null(Value(coverage, "expiry-date"));
    }

    [Fact]
    public async Task The_payer_setting_off_means_no_determination()
    {
        using var app = new CdsApp().With("Determinations:Enabled", "false");

        var coverage = Coverage((await StateCalls.HookAsync(app, AllMet)).Body);

        Assert.Equal("auth-needed", Value(coverage, "pa-needed"));
        Assert.Null(Value(coverage, "satisfied-pa-id"));
    }

    [Fact]
    public async Task An_order_with_an_unknown_criterion_is_not_approved()
    {
        var coverage = Coverage((await StateCalls.HookAsync(_app, "scenarios/07-attestation-missing/request.json")).Body);

        Assert.NotEqual("satisfied", Value(coverage, "pa-needed"));
        Assert.Null(Value(coverage, "satisfied-pa-id"));
    }

    [Fact]
    public async Task Discovery_declares_the_unsolicited_determ_option()
    {
        using var response = await _app.CreateClient().GetAsync(new Uri("/cds-services", UriKind.Relative));
        using var discovery = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var option = discovery.RootElement.GetProperty("services")[0].GetProperty("extension").GetProperty("davinci-crd.configuration-options")
            .EnumerateArray().Single(o => o.GetProperty("code").GetString() == "unsolicited-determ");
        Assert.Equal(("boolean", true), (option.GetProperty("type").GetString(), option.GetProperty("default").GetBoolean()));
        Assert.True(option.TryGetProperty("name", out _) && option.TryGetProperty("description", out _));
    }

    private static JsonElement[] Coverage(JsonElement body) =>
        [.. body.GetProperty("systemActions")[0].GetProperty("resource").GetProperty("extension").EnumerateArray()
            .Single(e => e.GetProperty("url").GetString() == "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information")
            .GetProperty("extension").EnumerateArray()];

    /// <summary>The primitive value of a sub-extension (code, string, date, canonical), or null when absent.</summary>
    private static string? Value(JsonElement[] coverage, string url) =>
        coverage.Where(e => e.GetProperty("url").GetString() == url)
            .SelectMany(e => e.EnumerateObject().Where(p => p.Name.StartsWith("value", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String))
            .Select(p => p.Value.GetString())
            .FirstOrDefault();

    [GeneratedRegex("^PA-[0-9A-HJKMNP-TV-Z]{20}$")]
    private static partial Regex AuthorizationNumber();
}
