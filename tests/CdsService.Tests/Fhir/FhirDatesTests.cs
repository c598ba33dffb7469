using CsCheck;
using CdsService.Fhir;

namespace CdsService.Tests.Fhir;

public sealed class FhirDatesTests
{
    [Theory]
    [InlineData("1980-05-14", "1980-05-14", "1980-05-14")]
    [InlineData("1980-05-14T10:30:00Z", "1980-05-14", "1980-05-14")]
    [InlineData("1980-05", "1980-05-01", "1980-05-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2025-02", "2025-02-01", "2025-02-28")]
    [InlineData("1980", "1980-01-01", "1980-12-31")]
    public void Bounds_span_every_day_a_partial_date_can_mean(string value, string earliest, string latest)
    {
        var bounds = FhirDates.Bounds(value);

        Assert.Equal((DateOnly.Parse(earliest, null), DateOnly.Parse(latest, null)), bounds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("198")]
    [InlineData("abcd-05-14")]
    public void Bounds_of_a_missing_or_unreadable_date_are_unknown(string? value) =>
        Assert.Null(FhirDates.Bounds(value));

    [Theory]
    [InlineData("2026-11-20", "2026-11-20T00:00:00+00:00")]
    [InlineData("2026-11", "2026-11-01T00:00:00+00:00")]
    [InlineData("2026-11-20T08:10:00+02:00", "2026-11-20T08:10:00+02:00")]
    public void Parse_takes_the_first_moment_of_a_date_without_time(string value, string instant) =>
        Assert.Equal(DateTimeOffset.Parse(instant, null), FhirDates.Parse(value));

    [Fact]
    public void Parse_of_nothing_is_nothing() => Assert.Null(FhirDates.Parse(null));
}

/// <summary>
/// The BCL fast path and the date-only shortcut in <see cref="FhirDates.Parse"/> must give Firely's answer on every
/// input: the same instant and the same offset, or both nothing. Values are built from fields in and just out of range.
/// </summary>
public sealed class FhirDatesFastPathTests
{
    private static readonly Gen<string> Field2 = Gen.Int[0, 99].Select(n => n.ToString("00", System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Gen<string> Year = Gen.OneOf(
        Gen.OneOf<string>("0000", "0001", "1899", "1980", "2026", "9998", "9999"),
        Gen.Int[0, 9999].Select(n => n.ToString("0000", System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Month = Gen.OneOf(Gen.OneOf<string>("00", "01", "02", "12", "13"), Field2);

    private static readonly Gen<string> Day = Gen.OneOf(Gen.OneOf<string>("00", "01", "28", "29", "30", "31", "32"), Field2);

    private static readonly Gen<string> Time = Gen.Select(
        Gen.OneOf(Gen.OneOf<string>("00", "23", "24"), Field2),
        Gen.OneOf(Gen.OneOf<string>("00", "59", "60"), Field2),
        Gen.OneOf(Gen.OneOf<string>("00", "59", "60", "61"), Field2),
        Gen.OneOf<string>("", ".", ".5", ".123", ".1234567", ".12345678", ".123456789", ".12a"))
        .Select((h, m, s, f) => $"T{h}:{m}:{s}{f}");

    private static readonly Gen<string> Zone = Gen.OneOf<string>(
        "", "Z", "z", "+00:00", "-00:00", "+02:00", "-05:30", "+13:59", "+14:00", "-14:00", "+14:01", "+15:00", "+1:00", "+0200", "+02:60", "Z ");

    private static readonly Gen<string> Value = Gen.OneOf(
        Gen.Select(Year, Month, Day, Time, Zone).Select((y, mo, d, t, z) => $"{y}-{mo}-{d}{t}{z}"),
        Gen.Select(Year, Month, Day, Zone).Select((y, mo, d, z) => $"{y}-{mo}-{d}{z}"),
        Gen.Select(Year, Month).Select((y, mo) => $"{y}-{mo}"),
        Year,
        Gen.Select(Year, Month, Day, Zone).Select((y, mo, d, z) => $"{y}-{mo}-{d}T10:30{z}"));

    [Fact]
    public void Parse_gives_Firelys_answer_on_full_partial_and_malformed_values() =>
        Value.Sample(value =>
        {
            var expected = FhirDates.TryInstantWithFirely(value, out var firely)
                ? firely
                : FhirDates.Bounds(value) is { } day ? new DateTimeOffset(day.Earliest.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
            var actual = FhirDates.Parse(value);
            Assert.True(
                expected == actual && expected?.Offset == actual?.Offset,
                $"'{value}': Firely {expected:O}, fast path {actual:O}");
        }, iter: 20_000);

    [Theory]
    [InlineData("2026-10-26T08:30:00Z")]
    [InlineData("2026-10-26T08:30:00.123+02:00")]
    [InlineData("2026-10-26T08:30:00.1234567-05:00")]
    [InlineData("0001-01-01T00:00:00+14:00")]
    [InlineData("9999-12-31T23:59:59-05:00")]
    [InlineData("2016-12-31T23:59:60Z")]
    [InlineData("2026-10-26T08:30:00.123456789Z")]
    public void Edge_values_get_Firelys_answer(string value)
    {
        var firely = FhirDates.TryInstantWithFirely(value, out var expected);
        var fast = FhirDates.TryInstant(value, out var actual);
        Assert.Equal(firely, fast);
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Offset, actual.Offset);
    }
}
