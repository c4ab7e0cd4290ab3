/** The small part of fengari (a Lua 5.3 VM in JavaScript) the Argo CD health-check tests use. */
declare module 'fengari' {
  export type LuaState = object;
  interface Lua {
    readonly LUA_OK: number;
    readonly LUA_TTABLE: number;
    lua_getfield(L: LuaState, index: number, key: string): number;
    lua_tojsstring(L: LuaState, index: number): string;
    lua_type(L: LuaState, index: number): number;
    lua_pop(L: LuaState, n: number): void;
  }
  interface LuaAuxLib {
    luaL_newstate(): LuaState;
    luaL_dostring(L: LuaState, code: Uint8Array): number;
  }
  interface LuaLib {
    luaL_openlibs(L: LuaState): void;
  }
  const fengari: {
    readonly lua: Lua;
    readonly lauxlib: LuaAuxLib;
    readonly lualib: LuaLib;
    readonly to_luastring: (s: string) => Uint8Array;
  };
  export default fengari;
}
