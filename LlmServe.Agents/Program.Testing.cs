// The implicit Program class made visible to WebApplicationFactory<Program> in the tests.
public partial class Program;
