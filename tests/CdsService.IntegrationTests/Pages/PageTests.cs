using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Pages;

/// <summary>
/// The links on the cards open something a person can read: the policy as an HTML page (Markdown on request), the
/// Questionnaire as a form preview for a browser, and still as FHIR JSON for a FHIR client.
/// </summary>
public sealed class PageTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    [Fact]
    public async Task A_browser_gets_the_policy_as_a_readable_page_with_its_source_and_effective_date()
    {
        using var response = await GetAsync("/policies/besponsa", BrowserAccept);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/pages/site.css\">", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Effective</dt><dd><time datetime=\"2025-04-01\">April 1, 2025</time></dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Source</dt>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Prior-Approval Requirements</h2>", html, StringComparison.Ordinal);

        // The PDF's wrapped lines are joined (hyphenated words too) and the numbered requirements stay a list.
        Assert.Contains("monitor for signs and symptoms of hepatic veno-occlusive disease during treatment", html, StringComparison.Ordinal);
        Assert.Contains("<ol>", html, StringComparison.Ordinal);
        Assert.Contains("Relapsed or refractory CD22-positive B-cell precursor acute lymphoblastic leukemia (ALL)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_text_markdown_gets_the_cleaned_Markdown()
    {
        using var response = await GetAsync("/policies/besponsa", "text/markdown");
        var markdown = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.StartsWith("---\ntitle: Besponsa (inotuzumab ozogamicin)\n", markdown, StringComparison.Ordinal);
        Assert.Contains("effective: 2025-04-01", markdown, StringComparison.Ordinal);
        Assert.Contains("\n## Prior-Approval Requirements\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\nphosphatase", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_accepting_neither_HTML_nor_Markdown_gets_406()
    {
        using var response = await GetAsync("/policies/besponsa", "application/json");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Theory]
    [InlineData("application/fhir+json")]
    [InlineData("application/json")]
    [InlineData("*/*")]
    [InlineData(null)]
    public async Task A_FHIR_client_gets_the_Questionnaire_as_FHIR_JSON(string? accept)
    {
        using var response = await GetAsync("/fhir/Questionnaire/besponsa-prior-approval", accept);

        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Questionnaire", body.RootElement.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task A_browser_gets_the_Questionnaire_as_an_accessible_form_preview()
    {
        using var response = await GetAsync("/fhir/Questionnaire/besponsa-prior-approval", BrowserAccept);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.Contains("<legend>Prescriber attestations</legend>", html, StringComparison.Ordinal);
        Assert.Contains("name=\"lft-monitoring\" value=\"true\" disabled> Yes</label>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stylesheet_is_served_and_cacheable()
    {
        using var response = await GetAsync("/pages/site.css", "text/css");

        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("max-age", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("fieldset", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept)
    {
        using var client = fixture.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await client.SendAsync(request);
    }
}
