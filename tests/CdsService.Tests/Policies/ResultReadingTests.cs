using CdsService.Policies;
using CdsService.Policies.Besponsa;
using Hl7.Fhir.Model;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies;

public sealed class ResultReadingTests
{
    private const string V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private static Observation Result(DataType? value, string? interpretation = null, bool absent = false) => new()
    {
        Status = ObservationStatus.Final,
        Code = Loinc("21795-0"),
        Value = value,
        Interpretation = interpretation is null ? [] : [new CodeableConcept(V3, interpretation)],
        DataAbsentReason = absent ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "error") : null,
    };

    private static Quantity Percent(decimal value, Quantity.QuantityComparator? comparator = null) =>
        new() { Value = value, Unit = "%", Code = "%", System = "http://unitsofmeasure.org", Comparator = comparator };

    private static Reading Fish(Observation o) =>
        ResultReading.Threshold(o, BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults, 1m, positiveAtCutoff: false);

    [Theory]
    [InlineData("260373001", "Positive")] // SNOMED detected
    [InlineData("260415000", "Negative")] // SNOMED not detected
    [InlineData("10828004", "Positive")]
    [InlineData("260385009", "Negative")]
    [InlineData("709137006", "Unknown")] // undetermined: neither
    public void Coded_values_are_read_by_code(string snomed, string expected) =>
        Assert.Equal(expected, (ResultReading.Coded(Result(Snomed(snomed)), BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults)).ToString());

    [Theory]
    [InlineData("http://loinc.org", "LA11882-0", "Positive")]
    [InlineData("http://loinc.org", "LA11883-8", "Negative")]
    [InlineData(V3, "DET", "Positive")]
    [InlineData(V3, "ND", "Negative")]
    public void Detected_answer_codes_are_understood(string system, string code, string expected) =>
        Assert.Equal(expected, (ResultReading.Coded(Result(new CodeableConcept(system, code)), BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults)).ToString());

    [Theory]
    [InlineData("NEG")]
    [InlineData("N")]
    [InlineData("ND")]
    public void A_negative_or_normal_interpretation_wins_over_the_number(string interpretation) =>
        Assert.Equal(Reading.Negative, Fish(Result(Percent(42m), interpretation)));

    [Fact]
    public void A_data_absent_reason_is_unknown() =>
        Assert.Equal(Reading.Unknown, Fish(Result(null, "POS", absent: true)));

    [Theory]
    [InlineData(0.5, null, "Negative")]
    [InlineData(1.0, null, "Negative")] // at the cut-off is not above it
    [InlineData(12.0, null, "Positive")]
    [InlineData(1.0, Quantity.QuantityComparator.LessThan, "Negative")]
    [InlineData(5.0, Quantity.QuantityComparator.LessThan, "Unknown")] // "< 5 %" may be above 1 %
    [InlineData(3.0, Quantity.QuantityComparator.GreaterThan, "Positive")]
    public void A_FISH_fraction_is_compared_with_the_cut_off_honouring_the_comparator(double value, Quantity.QuantityComparator? comparator, string expected) =>
        Assert.Equal(expected, (Fish(Result(Percent((decimal)value, comparator)))).ToString());

    [Fact]
    public void A_fraction_in_unit_1_is_read_as_a_percentage()
    {
        var fraction = new Quantity { Value = 0.2m, Code = "1", System = "http://unitsofmeasure.org" };

        Assert.Equal(Reading.Positive, Fish(Result(fraction)));
    }

    [Fact]
    public void A_quantity_in_an_unexpected_unit_is_unknown() =>
        Assert.Equal(Reading.Unknown, Fish(Result(new Quantity { Value = 12m, Unit = "cells" })));

    [Theory]
    [InlineData(0.12, null, "Positive")]
    [InlineData(0.001, Quantity.QuantityComparator.LessThan, "Negative")]
    [InlineData(0.0, null, "Negative")]
    public void A_transcript_ratio_above_zero_shows_the_fusion(double value, Quantity.QuantityComparator? comparator, string expected) =>
        Assert.Equal(expected, (ResultReading.Ratio(Result(Percent((decimal)value, comparator)), BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults)).ToString());

    [Fact]
    public void Below_detection_with_NEG_is_not_positive() =>
        Assert.Equal(Reading.Negative, ResultReading.Ratio(Result(Percent(0.001m, Quantity.QuantityComparator.LessThan), "NEG"), BesponsaValueSets.PositiveResults, BesponsaValueSets.NegativeResults));
}
