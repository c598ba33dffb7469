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

    [Fact]
    public void Liver_tests_older_than_the_window_before_the_earliest_order_are_skipped_and_every_doubtful_date_kept()
    {
        // Window 30 days, earliest order 2026-11-28, two days' margin: a liver test dated before 2026-10-27 is never
        // read (BaselineLiverTests wants one within the window). A date is read as the policy reads it (FhirDates.Parse:
        // "2026-13-45" is the year 2026, from its first day). Results read at any date, a date that does not parse,
        // two effective[x], a period without a start, or a coding the filter cannot judge keep the resource.
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/entry-filter-lab-dates.json"));
        var resources = document.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        var interest = new BesponsaRecordInterest(baselineLabWindowDays: 30);

        var dated = resources.Where(RecordEntryFilter.For("pat-1", interest, new DateOnly(2026, 11, 28))).Select(r => r.GetProperty("id").GetString());
        var undated = resources.Where(RecordEntryFilter.For("pat-1", interest)).Select(r => r.GetProperty("id").GetString());

        Assert.Equal(
            [
                "alt-in-window", "alt-at-the-margin", "alt-date-that-does-not-parse", "alt-no-date", "alt-period-without-start",
                "alt-two-effectives", "alt-old-with-bcr-abl-component", "bcr-abl-old", "alt-old-and-a-coding-without-system",
            ],
            dated);
        Assert.Equal(
            [.. resources.Select(r => r.GetProperty("id").GetString()).Where(id => !id!.StartsWith("hemoglobin", StringComparison.Ordinal))],
            undated);
    }

    [Fact]
    public void A_longer_configured_window_keeps_what_a_shorter_one_skips()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/entry-filter-lab-dates.json"));
        var old = document.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource"))
            .Single(r => r.GetProperty("id").GetString() == "alt-old");

        Assert.False(RecordEntryFilter.For("pat-1", new BesponsaRecordInterest(30), new DateOnly(2026, 11, 28))(old));
        Assert.True(RecordEntryFilter.For("pat-1", new BesponsaRecordInterest(365), new DateOnly(2026, 11, 28))(old));
    }

    [Fact]
    public void Escaped_keys_are_read_as_their_names_and_the_last_of_a_repeated_key_counts()
    {
        // The filter reads each resource's members in one pass, comparing raw names; an escaped key ("\u0063ode") must
        // still count as the element it names, and, as with a lookup by name, the last of two keys wins (the FHIR
        // reader then refuses such an entry: JSON129).
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/entry-filter-escaped-keys.json"));
        var keep = RecordEntryFilter.For("pat-1", new BesponsaRecordInterest(baselineLabWindowDays: 30), new DateOnly(2026, 11, 28));

        var kept = document.RootElement.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("resource"))
            .Where(keep)
            .Select(r => r.GetProperty("id").GetString())
            .ToList();

        Assert.Equal(["alt-in-window-escaped-keys", "alt-last-of-two-subjects-counts"], kept);
    }
}
