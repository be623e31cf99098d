// Vite's ambient types: lets TypeScript accept the CSS imports Vite bundles.
/// <reference types="vite/client" />
