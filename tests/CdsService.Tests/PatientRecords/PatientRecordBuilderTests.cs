using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Tests.PatientRecords;

/// <summary>
/// A lenient EHR sends the same resource under several prefetch keys (and resources without an id): the record keeps
/// each (type, id) once, the first one received, and never a resource it cannot tell apart.
/// </summary>
public sealed class PatientRecordBuilderTests
{
    private const string PatientId = "p1";

    [Fact]
    public void The_same_resource_under_two_keys_is_kept_once_and_the_first_one_wins()
    {
        var first = Lab("o1", "first");
        var again = Lab("o1", "again");
        var other = Lab("o2", "other");
        var sameIdOtherType = new Condition { Id = "o1", Subject = new ResourceReference($"Patient/{PatientId}") };
        var noId = Lab(null, "no id");

        var record = PatientRecordBuilder.Build(
            PatientId,
            [Searchset(first, other), Searchset(again, noId), sameIdOtherType],
            []);

        Assert.Equal(["first", "other"], record.Observations.Select(o => ((FhirString)o.Value!).Value));
        Assert.Single(record.Conditions);
    }

    private static Observation Lab(string? id, string value) => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "1742-6"),
        Subject = new ResourceReference($"Patient/{PatientId}"),
        Value = new FhirString(value),
    };

    private static Bundle Searchset(params Resource[] resources) => new()
    {
        Type = Bundle.BundleType.Searchset,
        Entry = [.. resources.Select(r => new Bundle.EntryComponent { Resource = r })],
    };
}
