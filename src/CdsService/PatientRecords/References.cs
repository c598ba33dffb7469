using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

internal static class References
{
    /// <summary>
    /// True when a reference names <c>{type}/{id}</c>, relative or absolute, with or without <c>_history</c>.
    /// </summary>
    public static bool PointsTo(ResourceReference? reference, string type, string id)
    {
        var value = reference?.Reference;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var history = value.IndexOf("/_history/", StringComparison.Ordinal);
        var path = history >= 0 ? value[..history] : value;
        var expected = $"{type}/{id}";
        return path == expected || path.EndsWith("/" + expected, StringComparison.Ordinal);
    }
}
