using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Ehr;

/// <summary>
/// What one query of the FHIR server gave for one record section. <see cref="Complete"/> is false when the section
/// could not be fully read; any <see cref="Resources"/> that did arrive still count as evidence.
/// </summary>
internal sealed record SectionRead(RecordSection Section, IReadOnlyList<Resource> Resources, bool Complete)
{
    public static SectionRead Unavailable(RecordSection section) => new(section, [], false);
}
