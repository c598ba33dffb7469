using CdsService.CdsHooks;
using Hl7.Fhir.Model;

namespace CdsService.Policies.Terminology;

/// <summary>Every policy value set, as FHIR R4 JSON, so integrators and reviewers see exactly which codes count.</summary>
internal static class ValueSetEndpoints
{
    public static IEndpointRouteBuilder MapValueSets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/fhir/ValueSet/{id}", GetValueSet).WithName("GetValueSet").WithTags("Policies");
        return app;
    }

    private static IResult GetValueSet(string id, IEnumerable<ValueSetLibrary> libraries)
    {
        var set = libraries.Select(l => l.Find(id)).FirstOrDefault(s => s is not null)
            ?? throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown value set", $"No value set has the id '{id}'.");
        return Results.Json<Resource>(set.Resource, CdsJson.Options, "application/fhir+json");
    }
}
