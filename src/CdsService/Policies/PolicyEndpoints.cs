using CdsService.CdsHooks;
using CdsService.Pages;
using Hl7.Fhir.Model;
using Microsoft.Net.Http.Headers;

namespace CdsService.Policies;

/// <summary>
/// Read-only documents behind the cards: each policy's DTR Questionnaire (FHIR R4 JSON for FHIR clients, a readable
/// preview for a browser) and the policy text (an HTML page for a browser, Markdown for <c>Accept: text/markdown</c>).
/// </summary>
internal static class PolicyEndpoints
{
    private const string FhirJsonContentType = "application/fhir+json";
    private const string Html = "text/html";
    private const string MarkdownType = "text/markdown";

    public static IEndpointRouteBuilder MapPolicyDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/fhir/Questionnaire/{id}", GetQuestionnaire).WithName("GetQuestionnaire").WithTags("Policies");
        app.MapGet("/policies/{id}", GetPolicy).WithName("GetPolicy").WithTags("Policies");
        return app;
    }

    private static IResult GetQuestionnaire(string id, HttpContext http, IEnumerable<IDrugPolicy> policies)
    {
        http.Response.Headers.Vary = HeaderNames.Accept;
        var questionnaire = policies.Select(p => p.Questionnaire).FirstOrDefault(q => q.Id == id);
        // FHIR clients (fhir+json, json, */* or _format) get the resource; a browser that asks for HTML first gets the form.
        var wantsPage = !http.Request.Query.ContainsKey("_format")
            && Negotiation.Choose(http.Request, FhirJsonContentType, "application/json", Html) == Html;
        if (wantsPage && questionnaire is not null)
        {
            return Attestation.QuestionnaireForm.Preview(questionnaire);
        }

        if (questionnaire is null)
        {
            var outcome = OperationOutcome.ForMessage($"Questionnaire/{id} is not known", OperationOutcome.IssueType.NotFound);
            return Results.Json<Resource>(outcome, CdsJson.Options, FhirJsonContentType, StatusCodes.Status404NotFound);
        }

        return Results.Json<Resource>(questionnaire, CdsJson.Options, FhirJsonContentType);
    }

    private static IResult GetPolicy(string id, HttpContext http, IEnumerable<IDrugPolicy> policies, PolicyPage page)
    {
        var policy = policies.FirstOrDefault(p => p.Info.Id == id)
            ?? throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown policy", $"No policy has the id '{id}'.");
        http.Response.Headers.Vary = HeaderNames.Accept;
        var text = page.Text(policy.Info);
        return Negotiation.Choose(http.Request, Html, MarkdownType) switch
        {
            Html => new HtmlPage(text.Title, PolicyPage.Html(text)),
            MarkdownType => Results.Text(text.ToMarkdown(), "text/markdown; charset=utf-8"),
            _ => throw new CdsRequestException(StatusCodes.Status406NotAcceptable, "Not acceptable", "The policy is available as text/html or text/markdown."),
        };
    }
}
