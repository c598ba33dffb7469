using CdsService.CdsHooks;
using Hl7.Fhir.Model;

namespace CdsService.Policies;

/// <summary>
/// Read-only documents behind the cards: each policy's DTR Questionnaire as FHIR R4 JSON and the policy text.
/// </summary>
internal static class PolicyEndpoints
{
    private const string FhirJsonContentType = "application/fhir+json";

    public static IEndpointRouteBuilder MapPolicyDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/fhir/Questionnaire/{id}", GetQuestionnaire).WithName("GetQuestionnaire").WithTags("Policies");
        app.MapGet("/policies/{id}", GetPolicy).WithName("GetPolicy").WithTags("Policies");
        return app;
    }

    private static IResult GetQuestionnaire(string id, IEnumerable<IDrugPolicy> policies)
    {
        var questionnaire = policies.Select(p => p.Questionnaire).FirstOrDefault(q => q.Id == id);
        if (questionnaire is null)
        {
            var outcome = OperationOutcome.ForMessage($"Questionnaire/{id} is not known", OperationOutcome.IssueType.NotFound);
            return Results.Json<Resource>(outcome, CdsJson.Options, FhirJsonContentType, StatusCodes.Status404NotFound);
        }

        return Results.Json<Resource>(questionnaire, CdsJson.Options, FhirJsonContentType);
    }

    private static IResult GetPolicy(string id, IEnumerable<IDrugPolicy> policies)
    {
        var policy = policies.FirstOrDefault(p => p.Info.Id == id)
            ?? throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown policy", $"No policy has the id '{id}'.");
        var stream = typeof(PolicyEndpoints).Assembly.GetManifestResourceStream($"policies/{id}");
        return stream is null
            ? Results.Text($"# {policy.Info.Title}\n\n{policy.Info.Description}\n", "text/markdown")
            : Results.Stream(stream, "text/markdown; charset=utf-8");
    }
}
