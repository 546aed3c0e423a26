// Fallback benchmark page: the store's bench hook alone, used when the built desk does not (yet)
// import renderer/src/db/benchHook.ts. Same repo code, same IndexedDB, no desk UI.
import '../../../renderer/src/db/benchHook';
