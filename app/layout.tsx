import "katex/dist/katex.min.css";
import "./globals.css";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { CspSafeZod } from "./_components/csp-safe-zod";
import { Providers } from "./_trpc/client";
import { SiteHeader } from "./_components/site-header";

export const metadata: Metadata = {
  title: { default: "MechMap — a map of mechanistic interpretability", template: "%s · MechMap" },
  description: "A living taxonomy of mechanistic-interpretability techniques, linked to the papers that introduce, apply and critique them.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <CspSafeZod />
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Providers>
          <SiteHeader />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
