//! Embedding the engine: paid Okdesk issues billed in 1C ЭСТИ, each invoice's PDF uploaded back to
//! its issue, from your own program, after the push that maps the companies. The code is
//! `examples::embed`.
//!
//! Run it with `cargo run -p examples --example embed_bill`.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let setup = examples::embed::setup().await?;
    let report = examples::embed::bill(&setup).await?;
    println!("{}", report.render_table());
    Ok(())
}
