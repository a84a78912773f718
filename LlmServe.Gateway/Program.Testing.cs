// Exposes the top-level-statement Program to WebApplicationFactory<Program> in the tests.
public partial class Program;
