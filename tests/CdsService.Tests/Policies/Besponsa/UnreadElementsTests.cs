using System.Text.RegularExpressions;
using CdsService.Policies.Besponsa;

namespace CdsService.Tests.Policies.Besponsa;

/// <summary>
/// The elements the Besponsa policy declares unread never reach Firely, so no code may read them: an element listed
/// by mistake would be silently invisible to every criterion. The parity test (PrefetchFilterTests) catches that only
/// where an example makes the outcome differ; this one checks the source itself for the model properties.
/// </summary>
public sealed partial class UnreadElementsTests
{
    [Fact]
    public void No_source_file_reads_a_model_property_of_an_element_the_policy_declares_unread()
    {
        var names = new BesponsaRecordInterest().UnreadElements.Names;
        var sources = Directory.EnumerateFiles(Path.Combine(TestFiles.RepositoryRoot, "src", "CdsService"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetFileName(f), Text: LineComment().Replace(File.ReadAllText(f), "")))
            .ToList();
        Assert.True(sources.Count > 50, "the service's sources were not found");

        var readers = new List<string>();
        foreach (var name in names)
        {
            // "text" is also CodeableConcept.text and Questionnaire.item.text, which are read: for the resource's
            // narrative, look for the Narrative type and its div instead.
            var pattern = name == "text"
                ? Narrative()
                : new Regex($@"\.{char.ToUpperInvariant(name[0])}{name[1..]}\b", RegexOptions.CultureInvariant);
            readers.AddRange(sources.Where(s => pattern.IsMatch(s.Text)).Select(s => $"{name}: {s.File}"));
        }

        Assert.Empty(readers);
        Assert.Contains("referenceRange", names);
    }

    // Comments may name anything; only code reads. (A "//" inside a string ends the line early: harmless here.)
    [GeneratedRegex("//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\bNarrative\b|\.Div\b")]
    private static partial Regex Narrative();
}
