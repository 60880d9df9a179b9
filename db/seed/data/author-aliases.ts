/**
 * Researchers who published under more than one name: a search for either name finds papers
 * listed under the other. `name` is the name as it appears on the seeded papers.
 */
export interface SeedAuthorAlias {
  name: string;
  alias: string;
}

export const authorAliases: SeedAuthorAlias[] = [
  // The CAA paper (2023) lists "Nina Rimsky"; her later work is published as Nina Panickssery.
  { name: "Nina Rimsky", alias: "Nina Panickssery" },
];
