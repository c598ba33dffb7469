using System.Text.Json;
using CdsService.Fhir;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Fhir;

public sealed class FhirJsonReaderTests
{
    private readonly FhirJsonReader _reader = new();

    [Fact]
    public void Sandbox_category_object_is_wrapped_and_everything_else_is_kept()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/sandbox-draft-orders.json"));

        var result = _reader.Read(document.RootElement);

        var order = Assert.IsType<MedicationRequest>(Assert.IsType<Bundle>(result.Resource).Entry[0].Resource);
        Assert.Equal("community", Assert.Single(order.Category).Coding[0].Code);
        Assert.Equal(MedicationRequest.MedicationRequestIntent.Order, order.Intent);
        Assert.Equal("404589", ((CodeableConcept)order.Medication).Coding[0].Code);
        Assert.Contains(result.Issues, i => i.Code == ShapeRepair.RepairedCode && i.Path.EndsWith("category", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Issues, i => i.Path.Contains("intent", StringComparison.Ordinal));
    }

    [Fact]
    public void Elements_nobody_reads_are_left_out_before_parsing_so_their_errors_cost_no_result()
    {
        // The ALT result's narrative status and meta.lastUpdated are invalid; its code, date and value are fine. The
        // ALP result has a bad narrative too, and a category object where R4 wants an array, which the repair wraps.
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/searchset-lab-with-broken-narrative.json"));
        var selection = new EntrySelection(_ => true, new ElementNames(["text", "meta", "performer"]));

        var whole = _reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true });
        var selected = _reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true, Selection = selection });

        Assert.Equal(["ast-lean"], Assert.IsType<Bundle>(whole.Resource).Entry.Select(e => e.Resource!.Id));
        Assert.Contains(whole.Issues, i => i.Code == FhirJsonReader.DroppedCode);
        var labs = Assert.IsType<Bundle>(selected.Resource).Entry.Select(e => Assert.IsType<Observation>(e.Resource)).ToList();
        Assert.Equal(["alt-broken-narrative", "ast-lean", "alp-needs-repair"], labs.Select(o => o.Id));
        Assert.All(labs, o => Assert.True(o.Text is null && o.Meta is null && o.Performer.Count == 0));
        Assert.Equal(31m, Assert.IsType<Quantity>(labs[0].Value).Value);
        Assert.Equal("2026-05-20", Assert.IsType<FhirDateTime>(labs[0].Effective).Value);
        Assert.Equal("laboratory", Assert.Single(labs[2].Category).Coding[0].Code);
        Assert.Equal([ShapeRepair.RepairedCode], selected.Issues.Select(i => i.Code));
    }

    [Fact]
    public void An_entry_with_a_key_twice_in_what_is_read_is_dropped_whichever_value_comes_first()
    {
        // Two values, two resourceTypes (the one Firely does not report), two "resource" keys in the entry, a key
        // twice in a resource that also needs repair (which would have dropped the empty one), and a narrative twice.
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/searchset-with-duplicate-keys.json"));

        var result = _reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true });

        Assert.Equal(["ast-lean"], Assert.IsType<Bundle>(result.Resource).Entry.Select(e => e.Resource!.Id));
        var dropped = result.Issues.Where(i => i.Code == FhirJsonReader.DroppedCode).Select(i => i.Path).ToList();
        Assert.Equal(5, dropped.Count);
        Assert.All(dropped, path => Assert.EndsWith($"({FhirJsonReader.DuplicateKeyCode})", path, StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_twice_in_an_element_nobody_reads_costs_nothing_as_it_is_left_out_unread()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/searchset-with-duplicate-keys.json"));
        var selection = new EntrySelection(_ => true, new ElementNames(["text"]));

        var result = _reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true, Selection = selection });

        var kept = Assert.IsType<Bundle>(result.Resource).Entry.Select(e => Assert.IsType<Observation>(e.Resource)).ToList();
        Assert.Equal(["alp-narrative-twice", "ast-lean"], kept.Select(o => o.Id));
        Assert.Equal(80m, Assert.IsType<Quantity>(kept[0].Value).Value);
    }

    [Fact]
    public void Leaving_elements_out_keeps_the_rest_byte_for_byte_escaped_keys_and_strings_included()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/searchset-escaped-keys-and-narrative.json"));
        var selection = new EntrySelection(_ => true, new ElementNames(["text"]));

        var whole = Assert.IsType<Observation>(Assert.IsType<Bundle>(_reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true }).Resource).Entry[0].Resource);
        var pruned = Assert.IsType<Observation>(Assert.IsType<Bundle>(_reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true, Selection = selection }).Resource).Entry[0].Resource);

        Assert.NotNull(whole.Text);
        Assert.Null(pruned.Text);
        Assert.Equal(ObservationStatus.Final, pruned.Status);
        Assert.Equal(31m, Assert.IsType<Quantity>(pruned.Value).Value);
        Assert.Equal("ALT \u2013 \"serum\"", pruned.Code.Coding[0].Display);
        whole.Text = null;
        Assert.True(whole.IsExactly(pruned));
    }

    [Fact]
    public void A_Bundle_with_two_entry_arrays_is_refused_even_where_bad_entries_are_dropped()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/bundle-with-two-entry-arrays.json"));

        var e = Assert.Throws<FhirParseException>(() => _reader.Read(document.RootElement, new FhirReadOptions { DropBadEntries = true }));

        Assert.Equal(FhirJsonReader.DuplicateKeyCode, e.Code);
        Assert.Contains("'entry'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Bundle_of_only_type_and_total_reads_as_Firely_reads_one_with_more_elements()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/bundle-shells.json"));

        // The first is built directly, the second (id, meta, link) goes through Firely: the same type, total and entries.
        var plain = Assert.IsType<Bundle>(_reader.Read(document.RootElement.GetProperty("plain"), dropBadEntries: true).Resource);
        var full = Assert.IsType<Bundle>(_reader.Read(document.RootElement.GetProperty("withIdMetaAndLink"), dropBadEntries: true).Resource);

        Assert.Equal(Bundle.BundleType.Searchset, plain.Type);
        Assert.Equal(1, plain.Total);
        Assert.Equal((full.Type, full.Total), (plain.Type, plain.Total));
        Assert.Equal(full.Entry.Select(e => e.Resource!.Id), plain.Entry.Select(e => e.Resource!.Id));
        Assert.Equal("search-1", full.Id);
        Assert.Single(full.Link);
    }

    [Fact]
    public void A_Bundle_without_a_type_is_still_read_by_Firely_which_reports_it()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/bundle-shells.json"));

        var result = _reader.Read(document.RootElement.GetProperty("untyped"), dropBadEntries: true);

        Assert.Null(Assert.IsType<Bundle>(result.Resource).Type);
        Assert.Equal("c-1", Assert.Single(Assert.IsType<Bundle>(result.Resource).Entry).Resource!.Id);
        Assert.Contains(result.Issues, i => i.Code == "JSON120");
    }

    [Theory]
    [InlineData("unknownType", "PVAL116")]
    [InlineData("typeTwice", FhirJsonReader.DuplicateKeyCode)]
    [InlineData("totalNotAnInteger", "PVAL123")]
    public void A_Bundle_whose_own_elements_cannot_be_read_is_refused_whole_even_where_bad_entries_are_dropped(string bundle, string code)
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/bundle-shells.json"));

        var e = Assert.Throws<FhirParseException>(() => _reader.Read(document.RootElement.GetProperty(bundle), dropBadEntries: true));

        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Unknown_elements_are_ignored_with_an_issue()
    {
        var result = Read("tests/fhir/medication-request-unknown-element.json");

        var order = Assert.IsType<MedicationRequest>(result.Resource);
        Assert.Equal(MedicationRequest.MedicationrequestStatus.Draft, order.Status);
        Assert.Contains(result.Issues, i => i.Path.Contains("doseQuantity", StringComparison.Ordinal));
    }

    [Fact]
    public void A_searchset_entry_with_an_unreadable_value_is_dropped_and_the_rest_kept()
    {
        var result = Read("tests/fhir/searchset-with-invalid-code.json", dropBadEntries: true);

        var bundle = Assert.IsType<Bundle>(result.Resource);
        Assert.Equal("c-good", Assert.Single(bundle.Entry).Resource?.Id);
        Assert.Contains(result.Issues, i => i.Code == FhirJsonReader.DroppedCode && i.Path.StartsWith("Bundle.entry[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreadable_value_outside_a_searchset_is_refused_with_the_reason()
    {
        var error = Assert.Throws<FhirParseException>(() => Read("tests/fhir/medication-request-invalid-status.json", dropBadEntries: true));

        Assert.Contains("not valid FHIR R4", error.Message, StringComparison.Ordinal);
        Assert.Contains("PVAL116", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resource_type_unknown_to_R4_is_refused_as_not_R4()
    {
        var error = Assert.Throws<NotR4Exception>(() => Read("tests/fhir/dstu2-medication-order.json"));

        Assert.Contains("MedicationOrder", error.Message, StringComparison.Ordinal);
        Assert.Contains("FHIR R4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nulls_inside_repeating_elements_are_dropped()
    {
        var result = Read("tests/fhir/questionnaire-response-null-item.json");

        var response = Assert.IsType<QuestionnaireResponse>(result.Resource);
        Assert.Equal("lft-monitoring", Assert.Single(response.Item).LinkId);
        Assert.Contains(result.Issues, i => i.Code == ShapeRepair.RepairedCode && i.Path.EndsWith(".item", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_strings_are_dropped_so_they_are_never_written_back()
    {
        var result = Read("tests/fhir/medication-request-empty-strings.json");

        var order = Assert.IsType<MedicationRequest>(result.Resource);
        Assert.Null(order.DosageInstruction[0].Text);
        Assert.Null(order.DosageInstruction[0].Timing?.Repeat?.PeriodUnit);
        Assert.Equal(1, order.DosageInstruction[0].Timing?.Repeat?.Frequency);
    }

    [Fact]
    public void Values_a_typed_read_would_throw_on_drop_their_entry_and_an_invalid_date_string_is_kept_for_the_policy_to_call_unknown()
    {
        var result = Read("tests/fhir/searchset-with-wrong-typed-values.json", dropBadEntries: true);

        var bundle = Assert.IsType<Bundle>(result.Resource);
        Assert.Equal(["o-good", "o-bad-date"], bundle.Entry.Select(e => e.Resource?.Id));
        var badDate = Assert.IsType<Observation>(bundle.Entry[1].Resource);
        Assert.False(Assert.IsType<FhirDateTime>(badDate.Effective).TryToDateTimeOffset(out _));
        Assert.Equal(
            ["Bundle.entry[1].resource (PVAL123)", "Bundle.entry[2].resource (PVAL123)", "Bundle.entry[3].resource (PVAL116)"],
            result.Issues.Where(i => i.Code == FhirJsonReader.DroppedCode).Select(i => i.Path));

        // Every kept resource reads without throwing, typed property by typed property.
        var good = Assert.IsType<Observation>(bundle.Entry[0].Resource);
        Assert.Equal(0.8m, Assert.IsType<Quantity>(good.Value).Value);
        Assert.Equal(ObservationStatus.Final, good.Status);
    }

    [Fact]
    public void Two_values_where_R4_allows_one_cannot_be_repaired_and_the_resource_is_refused_naming_the_element()
    {
        // The single category is wrapped first; the two codes have no repair, and a typed read of them would throw.
        var error = Assert.Throws<FhirParseException>(() => Read("tests/fhir/observation-misshapen.json"));

        Assert.Equal(FhirValueCheck.WrongShapeCode, error.Code);
        Assert.Contains("Observation.code ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_contained_resource_type_unknown_to_R4_is_refused_as_not_R4()
    {
        var error = Assert.Throws<NotR4Exception>(() => Read("tests/fhir/medication-request-contained-unknown-type.json"));

        Assert.Contains("MedicationOrder", error.Message, StringComparison.Ordinal);
    }

    private FhirParseResult Read(string file, bool dropBadEntries = false)
    {
        using var document = JsonDocument.Parse(TestFiles.Read(file));
        return _reader.Read(document.RootElement, dropBadEntries);
    }
}
