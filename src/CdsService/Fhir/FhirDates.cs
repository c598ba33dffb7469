using Hl7.Fhir.Model;

namespace CdsService.Fhir;

internal static class FhirDates
{
    /// <summary>
    /// A FHIR date or dateTime as an instant. Dates without a time (and partial dates) take their first moment, in UTC:
    /// Firely only converts values that carry a time zone.
    /// </summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (new FhirDateTime(value).TryToDateTimeOffset(out var instant))
        {
            return instant;
        }

        return Bounds(value) is { } day ? new DateTimeOffset(day.Earliest.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
    }

    /// <summary>
    /// The earliest and latest calendar days a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) can stand for.
    /// </summary>
    public static (DateOnly Earliest, DateOnly Latest)? Bounds(string? value)
    {
        if (value is null || value.Length < 4 || !int.TryParse(value.AsSpan(0, 4), out var year) || year < 1)
        {
            return null;
        }

        if (value.Length >= 10 && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", out var day))
        {
            return (day, day);
        }

        if (value.Length >= 7 && int.TryParse(value.AsSpan(5, 2), out var month) && month is >= 1 and <= 12)
        {
            var first = new DateOnly(year, month, 1);
            return (first, new DateOnly(year, month, DateTime.DaysInMonth(year, month))); // no AddMonths: 9999-12 must not overflow
        }

        return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
    }
}
