using System.Text.Json;

namespace Baseline;

/// <summary>Bare Kestrel: read the body, parse it once with JsonDocument, answer an empty CDS Hooks response.</summary>
internal static class BaselineProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/cds-services/{id}", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            return Results.Text(document.RootElement.ValueKind == JsonValueKind.Object ? "{\"cards\":[]}" : "{}", "application/json");
        });
        app.MapGet("/alloc", () => GC.GetTotalAllocatedBytes(precise: false).ToString(System.Globalization.CultureInfo.InvariantCulture));
        app.Run();
    }
}
