using CdsService.CdsHooks;
using CdsService.Fhir;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Ehr;

/// <summary>
/// Each fhir-examples scenario ships a transaction.json to load its patient into any R4 sandbox server. The file
/// must say exactly what the scenario's prefetch says: this golden-file test rebuilds it from request.json and
/// compares. <c>UPDATE_EXAMPLES=1 dotnet test</c> rewrites the files instead.
/// </summary>
public sealed class SandboxTransactionTests
{
    public static TheoryData<string> Scenarios() =>
        [.. Directory.EnumerateDirectories(Path.Combine(RepositoryRoot, "fhir-examples", "scenarios")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];

    private static string RepositoryRoot => TestFiles.RepositoryRoot;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Transaction_json_is_the_scenario_prefetch_as_PUTs(string scenario)
    {
        var folder = Path.Combine(RepositoryRoot, "fhir-examples", "scenarios", scenario);
        var expected = SandboxTransaction.Serialize(SandboxTransaction.From(Read(folder)));
        var file = Path.Combine(folder, "transaction.json");

        if (Environment.GetEnvironmentVariable("UPDATE_EXAMPLES") == "1")
        {
            File.WriteAllText(file, expected);
        }

        Assert.True(File.Exists(file), $"{file} is missing; run the tests with UPDATE_EXAMPLES=1 to write it.");
        Assert.Equal(expected, File.ReadAllText(file).ReplaceLineEndings("\n"));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_reference_in_the_transaction_resolves_within_it(string scenario)
    {
        var transaction = SandboxTransaction.From(Read(Path.Combine(RepositoryRoot, "fhir-examples", "scenarios", scenario)));
        var ids = transaction.Entry.Select(e => e.Request!.Url).ToHashSet(StringComparer.Ordinal);

        var dangling = transaction.Entry
            .SelectMany(e => SandboxTransaction.References(e.Resource!))
            .Select(r => r.Reference)
            .OfType<string>()
            .Where(r => !r.StartsWith('#') && !ids.Contains(r))
            .Distinct()
            .ToList();

        Assert.True(dangling.Count == 0, $"{scenario}: references without a resource to load: {string.Join(", ", dangling)}");
        Assert.Contains("Patient/" + Read(Path.Combine(RepositoryRoot, "fhir-examples", "scenarios", scenario)).Context.PatientId, ids);
    }

    private static HookRequest Read(string folder) =>
        new HookRequestReader(new FhirJsonReader(), Microsoft.Extensions.Options.Options.Create(new CdsOptions())).Read(File.ReadAllBytes(Path.Combine(folder, "request.json")), HookDefinition.OrderSign);
}
