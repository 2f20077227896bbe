using System.Runtime.CompilerServices;

// Only blittable types cross the boundary; no marshalling stubs are generated or needed.
[assembly: DisableRuntimeMarshalling]
