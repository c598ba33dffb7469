using System.Text.Json;
using CdsService.CdsHooks;
using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsService.Tests.Ehr;

/// <summary>
/// Builds, with Firely, the FHIR transaction that loads a scenario's patient record into a sandbox FHIR server:
/// one PUT per prefetched resource at <c>Type/id</c>, so ids stay those the scenario uses and its references
/// resolve on the server. The signing user (<c>context.userId</c>) is added as a bare resource, since the record
/// refers to it (e.g. as questionnaire author) but no prefetch key carries it; so is any other patient that the
/// scenario's lenient-EHR extras belong to, so that their references resolve too.
/// </summary>
internal static class SandboxTransaction
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).Pretty();

    public static Bundle From(HookRequest request)
    {
        var resources = request.Prefetch
            .OrderBy(p => Order(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value).OfType<PrefetchValue.Data>()
            .SelectMany(d => d.Resource is Bundle bundle ? bundle.Entry.Select(e => e.Resource).OfType<Resource>() : [d.Resource])
            .Where(r => r is not OperationOutcome && !string.IsNullOrEmpty(r.Id))
            .Concat(User(request.Context.UserId))
            .DistinctBy(r => (r.TypeName, r.Id))
            .ToList();
        var loaded = resources.Select(r => $"{r.TypeName}/{r.Id}").ToHashSet(StringComparer.Ordinal);
        resources.AddRange(resources
            .SelectMany(References)
            .Select(r => r.Reference?.Split('/'))
            .OfType<string[]>()
            .Where(parts => parts is ["Patient", _] && !loaded.Contains($"Patient/{parts[1]}"))
            .Select(parts => parts[1])
            .Distinct(StringComparer.Ordinal)
            .Select(id => new Patient { Id = id })
            .ToList());

        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var resource in resources)
        {
            transaction.Entry.Add(new Bundle.EntryComponent
            {
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}" },
            });
        }

        return transaction;
    }

    public static string Serialize(Bundle transaction) => JsonSerializer.Serialize(transaction, Json).ReplaceLineEndings("\n") + "\n";

    private static int Order(string key) =>
        RecordSection.All.ToList().FindIndex(s => s.Key == key) is var i and >= 0 ? i : int.MaxValue;

    /// <summary>Every reference anywhere in a resource, contained resources included.</summary>
    public static IEnumerable<ResourceReference> References(Base element) =>
        element.EnumerateElements()
            .SelectMany(e => e.Value switch
            {
                Base child => [child],
                IEnumerable<Base> children => children,
                _ => [],
            })
            .SelectMany(child => child is ResourceReference reference ? [reference, .. References(child)] : References(child));

    private static IEnumerable<Resource> User(string? userId) => userId?.Split('/') switch
    {
        ["Practitioner", var id] => [new Practitioner { Id = id }],
        ["PractitionerRole", var id] => [new PractitionerRole { Id = id }],
        _ => [],
    };
}
