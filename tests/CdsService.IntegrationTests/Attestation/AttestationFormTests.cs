using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// The attestation link and form over HTTP: the link carries no PHI, is refused when tampered with, works for one
/// submit only, needs the form's one-time token, and never writes with a token it does not have.
/// </summary>
public sealed partial class AttestationFormTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    [Fact]
    public async Task The_link_names_no_patient_no_server_and_no_order()
    {
        var (link, request) = await LinkAsync();

        Assert.DoesNotContain("pat-07", link, StringComparison.Ordinal);
        Assert.DoesNotContain("5826", link, StringComparison.Ordinal);
        Assert.DoesNotContain(request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["id"]!.GetValue<string>(), link, StringComparison.Ordinal);
        Assert.Matches("^http://localhost/attestation/[A-Za-z0-9_-]+$", link);
    }

    [Fact]
    public async Task The_form_is_accessible_markup_pre_filled_with_its_origin_and_marks_what_is_required()
    {
        var (link, _) = await LinkAsync();

        var html = await fixture.App.CreateClient().GetStringAsync(new Uri(link));

        Assert.Contains("<legend>Prescriber attestations</legend>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"required\">(required)</span>", html, StringComparison.Ordinal);
        Assert.Contains("name=\"lft-monitoring\" value=\"true\" required> Yes</label>", html, StringComparison.Ordinal);
        Assert.Matches("name=\"b-precursor-lineage\" value=\"true\" checked", html);
        Assert.Contains("Pre-filled from the chart: B-cell acute lymphoblastic leukemia, 2025-05-12", html, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-07", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_link_is_gone()
    {
        var (link, _) = await LinkAsync();

        using var response = await fixture.App.CreateClient().GetAsync(new Uri(link[..^2] + (link[^2] == 'A' ? "BB" : "AA")));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task A_submit_without_the_forms_token_is_refused_and_leaves_the_link_usable()
    {
        var (link, _) = await LinkAsync();
        using var client = fixture.App.CreateClient();

        using var forged = await client.PostAsync(new Uri(link), Form(("__form", "guess"), ("lft-monitoring", "true")));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var still = await client.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_multipart_submit_that_ends_before_its_boundary_is_refused_and_leaves_the_link_usable()
    {
        var (link, _) = await LinkAsync();
        using var client = fixture.App.CreateClient();
        using var truncated = new StringContent("{}");
        truncated.Headers.Remove("Content-Type");
        truncated.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");

        // The form reader throws an IOException for it; that was a 500.
        using var response = await client.PostAsync(new Uri(link), truncated);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var still = await client.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_link_is_good_for_one_submit_and_the_response_can_be_downloaded()
    {
        var (link, _) = await LinkAsync();
        using var client = fixture.App.CreateClient();
        var nonce = Nonce().Match(await client.GetStringAsync(new Uri(link))).Groups[1].Value;
        var answers = Form(("__form", nonce), ("b-precursor-lineage", "true"), ("cd22-positive", "true"), ("lft-monitoring", "true"), ("vod-monitoring", "true"), ("no-alkylating-conditioning", "false"));

        using var first = await client.PostAsync(new Uri(link), answers);
        var page = await first.Content.ReadAsStringAsync();
        using var second = await client.PostAsync(new Uri(link), Form(("__form", nonce), ("cd22-positive", "true")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        var download = Download().Match(page).Groups[1].Value;
        using var file = await client.GetAsync(new Uri(download, UriKind.Relative));
        Assert.Equal("application/fhir+json", file.Content.Headers.ContentType?.MediaType);
        using var qr = JsonDocument.Parse(await file.Content.ReadAsStringAsync());
        var root = qr.RootElement;
        Assert.Equal("QuestionnaireResponse", root.GetProperty("resourceType").GetString());
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal("http://payer.example.org/fhir/Questionnaire/besponsa-prior-approval|2025-04-01", root.GetProperty("questionnaire").GetString());
        Assert.Equal("Patient/pat-07", root.GetProperty("subject").GetProperty("reference").GetString());
        Assert.StartsWith("Practitioner/", root.GetProperty("author").GetProperty("reference").GetString(), StringComparison.Ordinal);
        var items = root.GetProperty("item").EnumerateArray().SelectMany(g => g.GetProperty("item").EnumerateArray())
            .ToDictionary(i => i.GetProperty("linkId").GetString()!, i => i.GetProperty("answer")[0]);
        Assert.False(items["no-alkylating-conditioning"].GetProperty("valueBoolean").GetBoolean());
        Assert.Equal("manual", Origin(items["lft-monitoring"]));
        Assert.Equal("auto", Origin(items["b-precursor-lineage"]));
        Assert.False(items.ContainsKey("tki-failed"), "an item its enableWhen disables is left out");
    }

    [Fact]
    public async Task A_form_link_opens_no_download_and_a_download_link_opens_no_form()
    {
        var (link, _) = await LinkAsync();
        using var client = fixture.App.CreateClient();
        var token = link[(link.LastIndexOf('/') + 1)..];
        using var asDownload = await client.GetAsync(new Uri($"/attestation/download/{token}", UriKind.Relative));
        var nonce = Nonce().Match(await client.GetStringAsync(new Uri(link))).Groups[1].Value;
        using var submitted = await client.PostAsync(new Uri(link), Form(("__form", nonce), ("b-precursor-lineage", "true"), ("cd22-positive", "true"), ("lft-monitoring", "true"), ("vod-monitoring", "true"), ("no-alkylating-conditioning", "false")));
        var download = Download().Match(await submitted.Content.ReadAsStringAsync()).Groups[1].Value;

        using var asForm = await client.GetAsync(new Uri(download.Replace("/download/", "/", StringComparison.Ordinal), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Gone, asDownload.StatusCode);
        Assert.DoesNotContain("pat-07", await asDownload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, asForm.StatusCode);
    }

    [Fact]
    public async Task A_hook_call_with_an_access_token_never_gets_a_write_the_page_says_so_and_offers_the_download()
    {
        var (link, _) = await LinkAsync(r => r["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = "secret-token-123", ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "cds",
        });
        using var client = fixture.App.CreateClient();
        var nonce = Nonce().Match(await client.GetStringAsync(new Uri(link))).Groups[1].Value;

        using var response = await client.PostAsync(new Uri(link), Form(("__form", nonce), ("cd22-positive", "true"), ("lft-monitoring", "true"), ("vod-monitoring", "true"), ("no-alkylating-conditioning", "true")));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("needs an access token", page, StringComparison.Ordinal);
        Assert.Contains("/attestation/download/", page, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-123", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unanswered_required_items_are_asked_for_again_without_using_up_the_link()
    {
        var (link, _) = await LinkAsync();
        using var client = fixture.App.CreateClient();
        var nonce = Nonce().Match(await client.GetStringAsync(new Uri(link))).Groups[1].Value;

        using var response = await client.PostAsync(new Uri(link), Form(("__form", nonce), ("cd22-positive", "true")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var again = await client.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_submit_while_the_store_cannot_commit_is_a_503_with_Retry_After_and_leaves_the_link_usable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cds-attestation-outage-{Guid.NewGuid():N}.db");
        using (var app = new CdsApp().With("Storage:Sqlite:Path", path).With("Storage:Sqlite:CommandTimeoutSeconds", "1"))
        {
            var (link, _) = await LinkAsync(app: app);
            using var client = app.CreateClient();
            var nonce = Nonce().Match(await client.GetStringAsync(new Uri(link))).Groups[1].Value;
            var answers = (string Nonce) => Form(("__form", Nonce), ("b-precursor-lineage", "true"), ("cd22-positive", "true"), ("lft-monitoring", "true"), ("vod-monitoring", "true"), ("no-alkylating-conditioning", "false"));

            HttpResponseMessage refused;
            await using (await State.SqliteWriteLock.TakeAsync(path))
            {
                refused = await client.PostAsync(new Uri(link), answers(nonce));
            }

            using (refused)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("5", refused.Headers.GetValues("Retry-After").Single());
            }

            var retryNonce = Nonce().Match(await client.GetStringAsync(new Uri(link))).Groups[1].Value;
            using var retried = await client.PostAsync(new Uri(link), answers(retryNonce));
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        File.Delete(path);
    }

    private async Task<(string Link, JsonObject Request)> LinkAsync(Action<JsonObject>? change = null, CdsApp? app = null)
    {
        var request = JsonNode.Parse(Scenario.Load("07-attestation-missing").Request)!.AsObject();
        request["hookInstance"] = Guid.NewGuid().ToString();
        change?.Invoke(request);
        using var response = await (app ?? fixture.App).PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var link = body.RootElement.GetProperty("cards").EnumerateArray()
            .SelectMany(c => c.TryGetProperty("links", out var l) ? l.EnumerateArray() : [])
            .Select(l => l.GetProperty("url").GetString()!)
            .First(u => u.Contains("/attestation/", StringComparison.Ordinal));
        return (link, request);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static string? Origin(JsonElement answer) =>
        answer.GetProperty("extension")[0].GetProperty("extension")[0].GetProperty("valueCode").GetString();

    [GeneratedRegex("name=\"__form\" value=\"([^\"]+)\"")]
    private static partial Regex Nonce();

    [GeneratedRegex("href=\"(/attestation/download/[^\"]+)\"")]
    private static partial Regex Download();
}
