using System.Text.Json;
using CdsService.PatientRecords;
using CdsService.Policies.Besponsa;

namespace CdsService.Tests.PatientRecords;

public sealed class RecordEntryFilterTests
{
    [Fact]
    public void Keeps_what_names_this_patient_in_any_reference_form_and_nothing_else()
    {
        // The filter compares the usual "Patient/id" in place and reads the rest out; both paths must agree with the
        // record builder's rule (References.PointsTo): relative, absolute and versioned references are this patient's.
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/entry-filter-references.json"));
        var keep = RecordEntryFilter.For("pat-1", new BesponsaRecordInterest());

        var kept = document.RootElement.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("resource"))
            .Where(keep)
            .Select(r => r.GetProperty("id").GetString())
            .ToList();

        Assert.Equal(
            [
                "relative", "absolute", "versioned", "absolute-versioned", "escaped", "array-subject-left-to-the-builder",
                "coverage-mine", "pat-1", "medication-names-no-patient", "type-of-wrong-kind-left-to-firely",
            ],
            kept);
    }
}
